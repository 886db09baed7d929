"""The command line: ``python -m pynn train | evaluate | bench`` (also ``pynn``).

``python -m pynn train`` with no arguments is the main job: it trains a
network2-style [64, 30, 10] network on the digits shipped inside the package,
offline, in seconds, and reports the test accuracy.
"""
import argparse
import os
import sys

import numpy as np


class _Parser(argparse.ArgumentParser):
    """Bad options end in one line on stderr and exit status 2, never a traceback."""

    def error(self, message):
        raise SystemExit(_fail(message))


def _fail(message):
    print(f"pynn: error: {message}", file=sys.stderr)
    return 2


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an int, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an int >= 1, got {value}")
    return value


def _sizes(text):
    try:
        sizes = [int(part) for part in text.replace(",", " ").split()]
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
    parser = _Parser(prog="pynn", description="Train and evaluate feedforward networks with pynn.")
    commands = parser.add_subparsers(dest="command", metavar="{train,evaluate,bench}")
    commands.required = True

    train = commands.add_parser("train", help="train a network and report its test accuracy",
                                description="Train a network (by default network2's [64, 30, 10] "
                                            "on the embedded digits) and report its test accuracy.")
    _data_option(train)
    train.add_argument("--sizes", type=_sizes, help="layer sizes, e.g. 64,30,10 (default: inputs,30,classes)")
    train.add_argument("--epochs", type=_positive_int, default=30, help="epochs (default 30)")
    train.add_argument("--batch", type=_positive_int, default=10, help="mini-batch size (default 10)")
    train.add_argument("--eta", type=float, default=0.5, help="learning rate (default 0.5)")
    train.add_argument("--lmbda", type=float, default=0.0, help="L2 regularization strength (default 0)")
    train.add_argument("--optimizer", default="sgd",
                       choices=["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"])
    train.add_argument("--dropout", type=_rates, default=[0.0],
                       help="dropout rate of the hidden layers, or one per hidden layer (default 0)")
    train.add_argument("--cost", default="cross_entropy",
                       choices=["quadratic", "cross_entropy", "log_likelihood", "mae"])
    train.add_argument("--activation", default="sigmoid",
                       choices=["sigmoid", "tanh", "relu", "softplus", "identity"], help="hidden activation")
    train.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    train.add_argument("--dtype", default="float64", choices=["float64", "float32"])
    train.add_argument("--save", metavar="FILE", help="write the trained model (JSON) to FILE")
    train.add_argument("--plot", metavar="FILE.png", help="draw the cost and accuracy curves into FILE.png")

    evaluate = commands.add_parser("evaluate", help="accuracy and cost of a saved model on a data set",
                                   description="Report a saved model's accuracy and cost on a data set.")
    evaluate.add_argument("model", help="a model file written by --save, Network.save or network2.py")
    _data_option(evaluate)
    evaluate.add_argument("--split", default="test", choices=["train", "validation", "test"],
                          help="which part of the data (default test)")

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


def _train(args):
    import pynn
    data = _load_data(args.data)
    X, y = data.train
    n_classes = int(max(y.max(), data.validation[1].max(), data.test[1].max())) + 1
    sizes = args.sizes or [X.shape[1], 30, n_classes]
    if sizes[0] != X.shape[1] or sizes[-1] < n_classes:
        raise ValueError(f"--sizes: the data needs {X.shape[1]} inputs and {n_classes} outputs, got {sizes}")
    dropout = args.dropout[0] if len(args.dropout) == 1 else args.dropout
    net = pynn.Network(sizes, args.cost, activation=args.activation, dtype=args.dtype, seed=args.seed)
    interactive = sys.stderr.isatty()

    def show(epoch, metrics):
        accuracy = metrics["evaluation_accuracy"] / len(data.validation[1])
        line = (f"epoch {epoch + 1}/{args.epochs}: training cost {metrics['training_cost']:.4f}, "
                f"validation accuracy {accuracy:.4f}")
        if interactive:
            from tqdm.auto import tqdm
            tqdm.write(line)
        else:
            print(line, flush=True)

    history = net.SGD(data.train, args.epochs, args.batch, args.eta, lmbda=args.lmbda,
                      evaluation_data=data.validation, monitor_evaluation_accuracy=True,
                      monitor_evaluation_cost=True, monitor_training_cost=True,
                      monitor_training_accuracy=True, optimizer=args.optimizer, dropout=dropout,
                      seed=args.seed, progress=interactive, callback=show)
    print(_report(net, data.test, "test"))
    if args.save:
        net.save(args.save)
        print(f"saved the model to {args.save}")
    if args.plot:
        from . import plot
        plot.history(history, args.plot, n_training=len(y), n_evaluation=len(data.validation[1]),
                     title=f"pynn {sizes} on {args.data}")
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
    args = _parser().parse_args(argv)
    try:
        if args.command == "train":
            return _train(args)
        if args.command == "evaluate":
            return _evaluate(args)
        from . import bench
        bench.run(args)
        return 0
    except (ValueError, TypeError, OSError, ImportError, FloatingPointError) as error:
        # bad data, files, options or a diverging run: one line, status 2
        return _fail(str(error).splitlines()[0] if str(error) else type(error).__name__)
    except KeyboardInterrupt:
        return _fail("interrupted")
