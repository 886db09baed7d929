"""The universal approximation theorem, shown: one hidden layer of growing width
fits a continuous function on an interval better and better.

f(x) = sin(3x) + 0.3 x^2 on [-2, 2]; networks [1, width, 1] with tanh hidden
units, an identity output and the quadratic cost, trained by adam.  Prints the
root-mean-square error per width on a dense grid and, with --plot FILE.png,
draws the fits.

    python examples/universal_approximation.py [--widths 1 2 4 8 16 32] [--plot fits.png]
"""
import argparse

import numpy as np

import pynn


def target(x):
    return np.sin(3 * x) + 0.3 * x ** 2


def fit(width, epochs=1500, seed=0):
    """A trained [1, width, 1] network and its RMS error on a dense grid."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, size=(400, 1))
    net = pynn.Network([1, width, 1], "quadratic", activation="tanh", output_activation="identity",
                       init="xavier", seed=seed)
    net.SGD((x, target(x)), epochs, 20, 0.01, optimizer="adam", seed=seed)
    grid = np.linspace(-2, 2, 1001).reshape(-1, 1)
    error = float(np.sqrt(np.mean((net.predict(grid) - target(grid)) ** 2)))
    return net, error


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--widths", type=int, nargs="+", default=[1, 2, 4, 8, 16, 32])
    parser.add_argument("--epochs", type=int, default=1500)
    parser.add_argument("--plot", metavar="FILE.png")
    args = parser.parse_args()
    grid = np.linspace(-2, 2, 401).reshape(-1, 1)
    fits = []
    for width in args.widths:
        net, error = fit(width, args.epochs)
        fits.append((width, net))
        print(f"width {width:3d}: RMS error {error:.4f}")
    if args.plot:
        from pynn.plot import _pyplot
        plt = _pyplot()
        figure, axes = plt.subplots(figsize=(7, 4.5))
        axes.plot(grid, target(grid), "k", linewidth=3, alpha=0.4, label="f(x) = sin 3x + 0.3 x²")
        for width, net in fits:
            axes.plot(grid, net.predict(grid), label=f"{width} hidden units")
        axes.set(xlabel="x", title="one hidden layer, growing width")
        axes.legend(fontsize=8)
        figure.tight_layout()
        figure.savefig(args.plot, dpi=100)
        print(f"drew the fits in {args.plot}")


if __name__ == "__main__":
    main()
