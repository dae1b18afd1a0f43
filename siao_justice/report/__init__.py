from . import siao_report_mixin
from . import siao_report_measure
from . import siao_report_request
from . import siao_report_request_step
from . import siao_report_release
from . import siao_report_lsc
from . import siao_report_commission
from . import siao_cpom_indicators
