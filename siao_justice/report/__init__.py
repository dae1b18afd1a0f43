from . import siao_report
from . import siao_cpom_indicators
