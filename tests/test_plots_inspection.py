"""helpers.plots.inspection (lesson 10): feature maps."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers import plots


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_show_feature_maps_channels_and_scale():
    maps = np.random.default_rng(1).random((1, 6, 6, 12))
    fig = plots.show_feature_maps(maps, channels=[0, 5, 7], ncols=3)
    panels = [ax for ax in fig.axes if ax.images]
    assert [ax.get_title() for ax in panels] == ["#0", "#5", "#7"]
    assert all(ax.images[0].get_clim() == (0.0, maps.max()) for ax in panels)
    with pytest.raises(ValueError, match=r"channels must be indices in 0..11"):
        plots.show_feature_maps(maps[0], channels=[12])
    with pytest.raises(ValueError, match=r"\(H, W, C\) for one image"):
        plots.show_feature_maps(np.zeros((2, 4, 4, 3)))
