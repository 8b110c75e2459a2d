from . import main
from . import assets
