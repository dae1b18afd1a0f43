from . import siao_request_wizards
from . import siao_release_wizard
from . import siao_avdl_wizards
from . import siao_cpom_report_wizard
from . import siao_detainee_merge
from . import siao_stay_wizard
