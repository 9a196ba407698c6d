"""``portable cost``: what a stack costs in a month on each cloud, from one usage model.

- :mod:`portable.cost.usage`: the usage file (pydantic, with a JSON Schema) and its defaults;
- :mod:`portable.cost.measured`: what ``portable dev`` measured per function;
- :mod:`portable.cost.month`: the usage resolved against a stack, with its assumptions;
- :mod:`portable.cost.prices`: the price sheets each provider keeps as data;
- :mod:`portable.cost.meters`: the quantities counted for each object;
- :mod:`portable.cost.estimate`: line items, free tiers, always-on costs, the container baseline
  and the break-even.
"""
