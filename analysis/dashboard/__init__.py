"""The browser dashboard: design a shock timeline with the registry's levers, watch it run against its base scenario
under common random numbers, and save it as a scenario file that ``run.py run`` reproduces.

``session`` holds everything that is not display (the paired model, the design, saving and CSV export), ``charts``
draws the figures with matplotlib, ``app`` is the Solara page built on Mesa's ``SolaraViz``, and ``server`` starts
it offline on loopback (``run.py dashboard``).
"""
