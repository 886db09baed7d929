"""History: what SGD returns.

network2's four lists, filled as the ``monitor_*`` flags ask, so that
``evaluation_cost, evaluation_accuracy, training_cost, training_accuracy =
net.SGD(...)`` works as in network2; and, beside them, everything the epochs
computed whatever the flags (what the progress line and the callback saw).
"""
import collections

FIELDS = ("evaluation_cost", "evaluation_accuracy", "training_cost", "training_accuracy")


class History(collections.namedtuple("History", FIELDS)):
    """network2's 4-tuple of per-epoch lists, plus what training measured.

    Attributes beyond the tuple:

    - ``epochs``: one dict per completed epoch, the dict the callback got:
      ``epoch`` (1, 2, ...), ``eta``, ``seconds``, ``training_loss`` (mean cost
      of the mini-batches during the epoch plus the L2 term, computed by the
      core as it trains) and, when they were computed, ``training_cost``,
      ``training_accuracy``, ``evaluation_cost``, ``evaluation_accuracy``
      (accuracies as counts, as in network2).
    - ``n_training``, ``n_evaluation``: the sizes of the two sets (for fractions).
    - ``stop_reason``: None (all epochs ran), ``"early_stopping"``,
      ``"lr_schedule"`` (eta fell below its floor), ``"callback"`` or
      ``"interrupted"`` (KeyboardInterrupt).
    """

    def __new__(cls, evaluation_cost=(), evaluation_accuracy=(), training_cost=(),
                training_accuracy=(), *, epochs=(), n_training=None, n_evaluation=None,
                stop_reason=None):
        self = super().__new__(cls, list(evaluation_cost), list(evaluation_accuracy),
                               list(training_cost), list(training_accuracy))
        self.epochs = list(epochs)
        self.n_training, self.n_evaluation = n_training, n_evaluation
        self.stop_reason = stop_reason
        return self

    def metric(self, name):
        """The per-epoch values of one metric, over the epochs that computed it."""
        return [epoch[name] for epoch in self.epochs if name in epoch]

    @property
    def metrics(self):
        """{name: per-epoch values} for every metric some epoch computed."""
        names = []
        for epoch in self.epochs:
            names += [name for name in epoch if name not in names]
        return {name: self.metric(name) for name in names}

    def _record(self, metrics, monitored):
        """Adds one epoch: its metrics, and to each of network2's lists whose
        flag is set (monitored: field name -> flag)."""
        self.epochs.append(dict(metrics))
        for field in FIELDS:
            if monitored[field]:
                getattr(self, field).append(metrics[field])
