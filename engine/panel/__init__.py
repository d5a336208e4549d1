"""Many series at once: a panel read from a long or wide table, one global network trained on
the windows of every series, and an honest choice per series.

    tables     a long table (one row per id and date) or a wide one (one column per series)
               read into checked series, each through engine.data.load_series, messages naming
               the id
    sampling   the panel as one array with per-series offsets; windows drawn per epoch,
               uniformly over series, each normalized by its own level and scale
    training   one network trained on the sampled windows of all series
    choice     per-series choice among the network, the baselines and their average
    result     PanelResult: the long forecast frame (id, date, y, lower, upper), the holdout
               table and the summary
"""

from engine.panel.tables import PanelData, load_panel

__all__ = ["PanelData", "load_panel"]
