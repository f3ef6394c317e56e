"""Exit codes shared by every command."""

OK = 0            # nothing at or above the --fail-on threshold; all tests passed
FINDINGS = 1      # findings at or above the threshold; a policy test failed; a diff changed outcomes
INPUT_ERROR = 2   # the input could not be read, parsed or checked
