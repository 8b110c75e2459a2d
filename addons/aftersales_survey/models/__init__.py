from . import aftersales_visit_template
from . import aftersales_visit_question
from . import aftersales_visit_flow_stage
from . import aftersales_visit
from . import survey_survey
from . import survey_user_input
