"""An agent-based model of Tajik labour migration, remittances, home unemployment and aggregate risk conditions."""

from sim.model import MigrationModel
from sim.parameters import PARAMETERS
from sim.timeline import Shock

__all__ = ["MigrationModel", "PARAMETERS", "Shock"]
