package dev.verdict.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecentCommandsTest {

    @Test
    void remembersEachCommandsFirstAndLastSequence() {
        RecentCommands r = RecentCommands.NONE
                .including("a", 3)
                .including("b", 4)
                .including("b", 5)
                .including("b", 6);

        assertThat(r.find("a")).contains(new KnownState.CommandSpan("a", 3, 3));
        assertThat(r.find("b")).contains(new KnownState.CommandSpan("b", 4, 6));
        assertThat(r.find("c")).isEmpty();
        assertThat(r.size()).isEqualTo(2);
    }

    @Test
    void forgetsTheOldestBeyondTheBound() {
        RecentCommands r = RecentCommands.NONE;
        for (int i = 0; i < RecentCommands.MAX + 3; i++) {
            r = r.including("cmd-" + i, 100 + i);
        }

        assertThat(r.size()).isEqualTo(RecentCommands.MAX);
        assertThat(r.find("cmd-2")).isEmpty();
        assertThat(r.find("cmd-3")).contains(new KnownState.CommandSpan("cmd-3", 103, 103));
        assertThat(r.spans().get(RecentCommands.MAX - 1)).isEqualTo(new KnownState.CommandSpan("cmd-18", 118, 118));
    }

    @Test
    void isNotFooledByEqualHashCodes() {
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        RecentCommands r = RecentCommands.NONE.including("Aa", 1).including("BB", 2);

        assertThat(r.find("Aa")).contains(new KnownState.CommandSpan("Aa", 1, 1));
        assertThat(r.find("BB")).contains(new KnownState.CommandSpan("BB", 2, 2));
    }

    @Test
    void neverChangesAnEarlierValue() {
        RecentCommands before = RecentCommands.NONE.including("a", 1);
        RecentCommands after = before.including("a", 2).including("b", 3);

        assertThat(before.spans()).containsExactly(new KnownState.CommandSpan("a", 1, 1));
        assertThat(after.spans())
                .containsExactly(new KnownState.CommandSpan("a", 1, 2), new KnownState.CommandSpan("b", 3, 3));
    }
}
