from . import siao_input_validation
from . import res_company
from . import res_config_settings
from . import res_partner
from . import siao_detainee
