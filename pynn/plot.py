"""Plots of training curves (matplotlib: ``pip install "pynn-mlp[plot]"``)."""


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        raise ImportError("pynn.plot needs matplotlib: pip install 'pynn-mlp[plot]'") from None
    import os
    if not os.environ.get("DISPLAY") and not os.environ.get("MPLBACKEND"):
        matplotlib.use("Agg")  # no screen: draw to files
    import matplotlib.pyplot as plt
    return plt


def history(history, path=None, *, n_training=None, n_evaluation=None, title=None):
    """Cost and accuracy per epoch of a History, side by side.

    Accuracies are network2's counts; give n_training / n_evaluation (the set
    sizes) to plot them as fractions.  Saves a PNG (or any format matplotlib
    knows by the extension) when path is given; returns the Figure.
    """
    evaluation_cost, evaluation_accuracy, training_cost, training_accuracy = history
    if not any((evaluation_cost, evaluation_accuracy, training_cost, training_accuracy)):
        raise ValueError("history: nothing was monitored (every list is empty)")
    plt = _pyplot()
    figure, (cost_axes, accuracy_axes) = plt.subplots(1, 2, figsize=(10, 4))
    for values, label in ((training_cost, "training"), (evaluation_cost, "evaluation")):
        if values:
            cost_axes.plot(range(len(values)), values, marker=".", label=label)
    for values, label, n in ((training_accuracy, "training", n_training),
                             (evaluation_accuracy, "evaluation", n_evaluation)):
        if values:
            accuracy_axes.plot(range(len(values)), [v / n for v in values] if n else values,
                               marker=".", label=label)
    cost_axes.set(title="cost", xlabel="epoch")
    accuracy_axes.set(title="accuracy" + ("" if n_training or n_evaluation else " (count)"), xlabel="epoch")
    for axes in (cost_axes, accuracy_axes):
        if axes.lines:
            axes.legend()
        axes.grid(alpha=0.3)
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    if path is not None:
        figure.savefig(path, dpi=100)
    return figure
