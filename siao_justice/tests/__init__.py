from . import test_detainee
from . import test_validation
from . import test_access
from . import test_settings
from . import test_translation
from . import test_tours
from . import test_request
from . import test_deadlines
