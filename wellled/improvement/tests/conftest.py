from wellled.improvement.tests.support import test_source

__all__ = ["test_source"]
