"""Plots of training curves (matplotlib: ``pip install "pynn-mlp[plot]"``)."""
import os


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        raise ImportError("pynn.plot needs matplotlib: pip install 'pynn-mlp[plot]'") from None
    if not os.environ.get("DISPLAY") and not os.environ.get("MPLBACKEND"):
        matplotlib.use("Agg")  # no screen: draw to files
    import matplotlib.pyplot as plt
    return plt


def check_format(path, argument="path"):
    """ValueError naming the argument when matplotlib cannot write path's format
    (known by its extension); ImportError when matplotlib is missing."""
    plt = _pyplot()
    extension = os.path.splitext(os.fspath(path))[1].lstrip(".").lower()
    supported = plt.figure().canvas.get_supported_filetypes()
    plt.close("all")
    if extension not in supported:
        raise ValueError(f"{argument}: cannot draw into {os.fspath(path)!r}: expected a file name "
                         f"ending in one of {', '.join('.' + e for e in sorted(supported))}")


def _curves(history, n_training, n_evaluation):
    """{panel: [(label, epochs, values)]} from a History's epochs (everything
    training measured) or, for a plain 4-tuple, from network2's lists."""
    epochs = getattr(history, "epochs", None)
    if epochs:
        n_training = n_training or history.n_training
        n_evaluation = n_evaluation or history.n_evaluation
        def series(name, n=None):
            points = [(e["epoch"], e[name] / n if n else e[name]) for e in epochs if name in e]
            return [p[0] for p in points], [p[1] for p in points]
        training_cost = "training_cost" if any("training_cost" in e for e in epochs) else "training_loss"
        lists = {"cost": [("training" if training_cost == "training_cost" else "training (during the epoch)",
                           *series(training_cost)), ("evaluation", *series("evaluation_cost"))],
                 "accuracy": [("training", *series("training_accuracy", n_training)),
                              ("evaluation", *series("evaluation_accuracy", n_evaluation))]}
    else:
        evaluation_cost, evaluation_accuracy, training_cost, training_accuracy = history
        def numbered(values, n=None):
            return list(range(1, len(values) + 1)), [v / n if n else v for v in values]
        lists = {"cost": [("training", *numbered(training_cost)), ("evaluation", *numbered(evaluation_cost))],
                 "accuracy": [("training", *numbered(training_accuracy, n_training)),
                              ("evaluation", *numbered(evaluation_accuracy, n_evaluation))]}
    fractions = bool(n_training or n_evaluation)
    return {panel: [curve for curve in curves if curve[1]] for panel, curves in lists.items()}, fractions


def history(history, path=None, *, n_training=None, n_evaluation=None, title=None):
    """Cost and accuracy per epoch of a History, side by side (epochs from 1).

    Everything training measured is drawn, whether or not the ``monitor_*``
    flags were set (without ``training_cost``, the mean cost during each epoch
    stands in).  Accuracies are fractions when the set sizes are known (a
    History knows them; for a plain 4-tuple give n_training / n_evaluation),
    counts otherwise.  Saves the figure when path is given (the format by the
    extension: .png, .pdf, .svg, ...); returns the Figure.
    """
    curves, fractions = _curves(history, n_training, n_evaluation)
    if not any(curves.values()):
        raise ValueError("history: no epoch was recorded (nothing to draw)")
    plt = _pyplot()
    figure, (cost_axes, accuracy_axes) = plt.subplots(1, 2, figsize=(10, 4))
    for axes, panel in ((cost_axes, "cost"), (accuracy_axes, "accuracy")):
        for label, epochs, values in curves[panel]:
            axes.plot(epochs, values, marker=".", label=label)
        if axes.lines:
            axes.legend()
        axes.grid(alpha=0.3)
    cost_axes.set(title="cost", xlabel="epoch", ylabel="cost (mean per sample)")
    accuracy_axes.set(title="accuracy", xlabel="epoch",
                      ylabel="fraction correct" if fractions else "samples correct")
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    if path is not None:
        figure.savefig(path, dpi=100)
    return figure
