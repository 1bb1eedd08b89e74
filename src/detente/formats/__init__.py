"""File formats of other tools, read into and written from detente scenarios.

A format sits between :mod:`detente.scenario` (which it may import) and the model families
it needs (:mod:`detente.conflict`, e.g. to write a computed preference ranking); the scenario
package never imports a format. :mod:`detente.formats.gmcrplus`: GMCR+ save files.
"""
