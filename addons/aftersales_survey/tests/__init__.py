from . import test_survey_revisit
from . import test_translations
