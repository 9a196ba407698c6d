"""``portable check``: rules over the model and each target's facts.

- :mod:`portable.check.portability`: native, emulated or unsupported per object and target, and the
  behavioural differences that matter for the stack;
- :mod:`portable.check.pitfalls`: the serverless pitfalls;
- :mod:`portable.check.fit`: the fit score per function;
- :mod:`portable.check.report`: all of it as one report (JSON); :mod:`portable.check.sarif`: as SARIF 2.1.0.
"""
