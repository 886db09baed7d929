"""The command line: ``pynn train | evaluate | bench`` (also ``python -m pynn``).

``pynn train`` with no arguments is the main job: it trains a network2-style
[64, 30, 10] network on the digits shipped inside the package, offline, in
seconds, and reports the test accuracy.

Exit status: 0 done, 1 training diverged, 2 a bad option, file or data set,
130 interrupted (Ctrl-C).
"""
import argparse
import math
import os
import sys
import tempfile

EXIT_DIVERGED, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130


class _Diverged(Exception):
    """Training produced a non-finite cost: reported as one line, exit status 1."""


class _Parser(argparse.ArgumentParser):
    """Bad options end in one line on stderr and exit status 2, never a traceback."""

    def error(self, message):
        raise SystemExit(_fail(message))


def _fail(message, status=EXIT_USAGE):
    print(f"pynn: error: {message}", file=sys.stderr)
    return status


def positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an int, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an int >= 1, got {value}")
    return value


def _sizes(text):
    try:
        sizes = [int(part) for part in text.split(",")]  # "64,,10" is refused, not read as 64,10
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected layer sizes like 64,30,10, got {text!r}") from None
    if len(sizes) < 2 or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"expected at least 2 positive layer sizes, got {text!r}")
    return sizes


def _rates(text):
    try:
        return [float(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a rate or rates like 0.2,0.1, got {text!r}") from None


def _parser():
    from . import __version__
    parser = _Parser(prog="pynn", description="Train and evaluate feedforward networks with pynn.",
                     epilog="Run 'pynn COMMAND --help' for a command's options. Exit status: 0 done, "
                            "1 training diverged, 2 bad options or files, 130 interrupted.")
    parser.add_argument("--version", action="version", version=f"pynn {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="{train,evaluate,bench}")

    train = commands.add_parser("train", help="train a network and report its test accuracy",
                                description="Train a network (by default network2's [64, 30, 10] "
                                            "on the embedded digits) and report its test accuracy.")
    _data_option(train)
    train.add_argument("--sizes", type=_sizes,
                       help="layer sizes, e.g. 64,30,10; the first must be the data's inputs and the "
                            "last its number of classes (default: inputs,30,classes)")
    train.add_argument("--epochs", type=positive_int, default=30, help="epochs (default %(default)s)")
    train.add_argument("--batch", type=positive_int, default=10, help="mini-batch size (default %(default)s)")
    train.add_argument("--eta", type=float, default=0.5, help="learning rate (default %(default)s)")
    train.add_argument("--lmbda", type=float, default=0.0,
                       help="L2 regularization strength (default %(default)s)")
    train.add_argument("--optimizer", default="sgd",
                       choices=["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"],
                       help="update rule (default %(default)s)")
    train.add_argument("--dropout", type=_rates, default=[0.0],
                       help="dropout rate of the hidden layers, or one per hidden layer (default 0)")
    train.add_argument("--cost", default="cross_entropy",
                       choices=["quadratic", "cross_entropy", "log_likelihood", "mae"],
                       help="cost function (default %(default)s)")
    train.add_argument("--activation", default="sigmoid",
                       choices=["sigmoid", "tanh", "relu", "softplus", "identity"],
                       help="hidden-layer activation (default %(default)s)")
    train.add_argument("--seed", type=int, default=0, help="random seed (default %(default)s)")
    train.add_argument("--dtype", default="float64", choices=["float64", "float32"],
                       help="float type of the network (default %(default)s)")
    train.add_argument("--save", metavar="FILE",
                       help="write the trained model (JSON) to FILE; not written when training "
                            "is interrupted or diverges")
    train.add_argument("--plot", metavar="FILE.png", help="draw the cost and accuracy curves into FILE.png")

    evaluate = commands.add_parser("evaluate", help="accuracy and cost of a saved model on a data set",
                                   description="Report a saved model's accuracy and cost on a data set.")
    evaluate.add_argument("model", help="a model file written by --save, Network.save or network2.py")
    _data_option(evaluate)
    evaluate.add_argument("--split", default="test", choices=["train", "validation", "test"],
                          help="which part of the data (default %(default)s)")

    bench = commands.add_parser("bench", help="seconds per epoch: pynn vs numpy vs the GEMM floor",
                                description="The speed table, short form (benchmarks/bench_epoch.py "
                                            "has the same options).")
    from . import bench as bench_module
    bench_module.add_arguments(bench, repeats=3)
    return parser


def _data_option(parser):
    parser.add_argument("--data", default="digits", metavar="digits|mnist|fashion-mnist|PATH",
                        help="data set: the embedded digits (default), MNIST, Fashion-MNIST, "
                             "or a folder of MNIST-format IDX files / network2's mnist.pkl.gz")


def _load_data(spec):
    from . import datasets
    if spec in ("digits", "mnist", "fashion-mnist"):
        return datasets.load(spec)
    if not os.path.exists(spec):
        raise FileNotFoundError(f"--data: {spec} is neither a known data set nor an existing path")
    if os.path.isfile(spec):
        return datasets.Dataset(*datasets.load_data(spec))
    return datasets.load("mnist", path=spec)


def _report(net, part, name):
    X, y = part
    correct = net.accuracy((X, y))
    cost = net.total_cost((X, y), 0.0)
    return f"{name} accuracy {correct / len(y):.4f} ({correct}/{len(y)}), cost {cost:.4f}"


def _check_output(path, option):
    """Refuses, before any training, a path that could not be written after it."""
    if os.path.isdir(path):
        raise IsADirectoryError(f"{option}: {path} is a folder")
    if os.path.lexists(path) and not os.path.isfile(path):
        raise ValueError(f"{option}: {path} exists and is not a regular file")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"{option}: the folder {folder} does not exist")
    try:
        tempfile.TemporaryFile(dir=folder).close()
    except OSError as error:
        raise PermissionError(f"{option}: cannot write into {folder} ({error.strerror})") from None


def _check_sizes(sizes, n_inputs, n_classes):
    if sizes[0] != n_inputs:
        raise ValueError(f"--sizes: the data has {n_inputs} inputs, so the first layer needs "
                         f"{n_inputs} units, got {','.join(map(str, sizes))}")
    if sizes[-1] != n_classes:
        raise ValueError(f"--sizes: the data has {n_classes} classes, so the last layer needs "
                         f"{n_classes} units, got {','.join(map(str, sizes))}")


def _train(args):
    import pynn
    if args.save:
        _check_output(args.save, "--save")
    if args.plot:
        _check_output(args.plot, "--plot")
        from . import plot
        plot.check_format(args.plot, "--plot")
    data = _load_data(args.data)
    X, y = data.train
    n_classes = int(max(y.max(), data.validation[1].max(), data.test[1].max())) + 1
    sizes = args.sizes or [X.shape[1], 30, n_classes]
    _check_sizes(sizes, X.shape[1], n_classes)
    dropout = args.dropout[0] if len(args.dropout) == 1 else args.dropout
    net = pynn.Network(sizes, args.cost, activation=args.activation, dtype=args.dtype, seed=args.seed)

    def watch(epoch, metrics):
        for key in ("training_loss", "training_cost", "evaluation_cost"):
            if key in metrics and not math.isfinite(metrics[key]):
                raise _Diverged(f"training diverged: the {key.replace('_', ' ')} is {metrics[key]} "
                                f"after epoch {epoch} (try a smaller --eta); nothing was saved")

    history = net.SGD(data.train, args.epochs, args.batch, args.eta, lmbda=args.lmbda,
                      evaluation_data=data.validation, monitor_evaluation_accuracy=True,
                      monitor_evaluation_cost=True, monitor_training_cost=True,
                      monitor_training_accuracy=True, optimizer=args.optimizer, dropout=dropout,
                      seed=args.seed, progress=True, callback=watch)
    if history.stop_reason == "interrupted":
        done = len(history.epochs)
        print(f"pynn: interrupted after {done} of {args.epochs} epochs; the model was not saved"
              + (" and the curves were not drawn" if args.plot else ""), file=sys.stderr)
        return EXIT_INTERRUPTED
    print(_report(net, data.test, "test"))
    if args.save:
        net.save(args.save)
        print(f"saved the model to {args.save}")
    if args.plot:
        from . import plot
        plot.history(history, args.plot, title=f"pynn {sizes} on {args.data}")
        print(f"drew the training curves in {args.plot}")
    return 0


def _evaluate(args):
    import pynn
    net = pynn.load(args.model)
    data = _load_data(args.data)
    X, y = getattr(data, args.split)
    if X.shape[1] != net.sizes[0]:
        raise ValueError(f"--data: {args.data} has {X.shape[1]} inputs, the model expects {net.sizes[0]}")
    if y.max() >= net.sizes[-1]:
        raise ValueError(f"--data: {args.data} has labels up to {y.max()}, the model has {net.sizes[-1]} outputs")
    print(_report(net, (X, y), args.split))
    return 0


def main(argv=None):
    """Runs the command line; returns the exit status."""
    import warnings
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:  # plain `pynn`: what it can do
        parser.print_help()
        return 0
    try:
        with warnings.catch_warnings():
            # reported by the exit status and one line instead
            warnings.filterwarnings("ignore", "training (diverged|interrupted)", RuntimeWarning)
            if args.command == "train":
                return _train(args)
            if args.command == "evaluate":
                return _evaluate(args)
            from . import bench
            bench.run(args)
            return 0
    except (_Diverged, FloatingPointError) as error:
        return _fail(str(error).splitlines()[0], EXIT_DIVERGED)
    except (ValueError, TypeError, OSError, ImportError) as error:
        # bad data, files or options: one line, status 2
        return _fail(str(error).splitlines()[0] if str(error) else type(error).__name__)
    except MemoryError:
        return _fail("not enough memory for what the options ask (fewer --rows, smaller --hidden or --sizes?)")
    except KeyboardInterrupt:
        return _fail("interrupted", EXIT_INTERRUPTED)
