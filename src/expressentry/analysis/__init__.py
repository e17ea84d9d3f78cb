"""The pool between snapshots: a stock-flow model of the CRS distribution, and what it answers.

Pure numpy on the rounds history (``rounds.history``): no database, web or command line. The
method is ``shared/research/pool-model.md``: the density inside each published CRS band is
rebuilt from when each score was last emptied by a round, scaled to the published counts and
carried forward to a round through the rounds and arrivals since its snapshot.

- ``model``: clearing events, exposure, arrival shape, density, carry-forward (``PoolModel``)
- ``predict``: cutoff prediction for every round type, with a split-conformal 80% range
- ``backtest``: walk-forward replay of every round, per year and per round kind
- ``outlook``: a candidate's probability of an invitation within 1, 3, 6 and 12 months
"""
