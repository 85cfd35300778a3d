"""Figures the lessons share. Drawing code only: the ideas live in the notebooks.

Every function returns the matplotlib ``Figure`` it drew, titled and labelled; the
notebook ends its cell with ``plt.show()``. ``from helpers import plots`` and
``plots.<name>`` reach every figure; each lives in the module of its lesson:

- :mod:`helpers.plots.images` (lessons 00-01, reused in 07-08): ``show_images``,
  ``show_pixel_values``.
- :mod:`helpers.plots.histograms` (02): ``draw_histogram``, ``show_images_and_histograms``.
- :mod:`helpers.plots.convolution` (03-04): ``show_kernel``, ``show_kernels``,
  ``show_correlation_step``, ``animate_correlation``, ``show_filtered``,
  ``show_filtered_images``, ``show_padding_modes``, ``show_conv_geometry``.
- :mod:`helpers.plots.pooling` (05): ``show_pooling``, ``plot_shift_tolerance``.
- :mod:`helpers.plots.learning` (06): ``compare_kernels``, ``plot_training``,
  ``show_receptive_fields``.
- :mod:`helpers.plots.training` (07-09): ``plot_history``, ``plot_confusion_matrix``,
  ``show_predictions``, ``show_digit_predictions``, ``show_shifted``,
  ``plot_accuracy_vs_shift``.
- :mod:`helpers.plots.inspection` (10): ``show_feature_maps``, ``show_filter_rows``,
  ``show_labelled_images``, ``show_overlays``.

The private drawing utilities more than one module needs (``_as_image_list``,
``_annotate``, ``_colorbar_right``, ``_check_small``, ``_gray_limits`` and the colour
tuples) live once, in :mod:`helpers.plots._common`.
"""

from helpers.plots.convolution import (
    animate_correlation,
    show_conv_geometry,
    show_correlation_step,
    show_filtered,
    show_filtered_images,
    show_kernel,
    show_kernels,
    show_padding_modes,
)
from helpers.plots.histograms import draw_histogram, show_images_and_histograms
from helpers.plots.images import show_images, show_pixel_values
from helpers.plots.inspection import show_feature_maps, show_filter_rows, show_labelled_images, show_overlays
from helpers.plots.learning import compare_kernels, plot_training, show_receptive_fields
from helpers.plots.pooling import plot_shift_tolerance, show_pooling
from helpers.plots.training import (
    plot_accuracy_vs_shift,
    plot_confusion_matrix,
    plot_history,
    show_digit_predictions,
    show_predictions,
    show_shifted,
)

__all__ = [
    "animate_correlation",
    "compare_kernels",
    "draw_histogram",
    "plot_accuracy_vs_shift",
    "plot_confusion_matrix",
    "plot_history",
    "plot_shift_tolerance",
    "plot_training",
    "show_conv_geometry",
    "show_correlation_step",
    "show_digit_predictions",
    "show_feature_maps",
    "show_filter_rows",
    "show_filtered",
    "show_filtered_images",
    "show_images",
    "show_images_and_histograms",
    "show_kernel",
    "show_kernels",
    "show_labelled_images",
    "show_overlays",
    "show_padding_modes",
    "show_pixel_values",
    "show_pooling",
    "show_predictions",
    "show_receptive_fields",
    "show_shifted",
]
