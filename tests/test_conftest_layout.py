"""The order of the long tests on two workers (tests/conftest.py)."""

from conftest import long_first_layout


def test_long_tests_open_both_halves_of_the_list():
    """worksteal deals the first half to one worker and the second to the other: the
    longest opens the first half, the other long ones the second, and the test right after
    the longest (which no worker can steal) is a short one."""
    costs = [0, 0, 1800, 0, 3600, 0, 0, 1200, 0, 0, 0, 0]
    order = long_first_layout(costs)
    assert sorted(order) == list(range(len(costs)))
    assert order[0] == 4 and costs[order[1]] == 0
    assert order[len(costs) // 2:][:2] == [2, 7]
    assert [i for i in order if costs[i] == 0] == [0, 1, 3, 5, 6, 8, 9, 10, 11]
    assert long_first_layout([0, 0, 0]) == [0, 1, 2]
    assert long_first_layout([5]) == [0]
