package dev.verdict.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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

    @Test
    void valuesBuiltFromTheSameValueDoNotSeeEachOther() {
        RecentCommands base = RecentCommands.NONE;
        for (int i = 0; i < 5; i++) {
            base = base.including("c" + i, i + 1);
        }
        RecentCommands left = base.including("left", 10);
        RecentCommands right = base.including("right", 20); // the slot after base is taken: copied
        RecentCommands leftAgain = left.including("left-2", 11);

        assertThat(base.find("left")).isEmpty();
        assertThat(base.find("right")).isEmpty();
        assertThat(base.size()).isEqualTo(5);
        assertThat(left.find("right")).isEmpty();
        assertThat(right.find("left")).isEmpty();
        assertThat(right.find("right")).contains(new KnownState.CommandSpan("right", 20, 20));
        assertThat(leftAgain.spans()).hasSize(7).endsWith(new KnownState.CommandSpan("left-2", 11, 11));
        assertThat(left.spans()).hasSize(6).endsWith(new KnownState.CommandSpan("left", 10, 10));
    }

    /** Random appends and extensions on random earlier values, checked against a plain list of spans. */
    @Test
    void behavesLikeAListOfTheNewestSpans() {
        Random random = new Random(17);
        List<RecentCommands> values = new ArrayList<>(List.of(RecentCommands.NONE));
        List<List<KnownState.CommandSpan>> expected = new ArrayList<>(List.of(List.of()));
        for (int step = 0; step < 20_000; step++) {
            int from = random.nextInt(10) < 8 ? values.size() - 1 : random.nextInt(values.size());
            RecentCommands value = values.get(from);
            List<KnownState.CommandSpan> spans = new ArrayList<>(expected.get(from));
            String id = random.nextInt(4) == 0 && !spans.isEmpty()
                    ? spans.get(spans.size() - 1).commandId()
                    : "cmd-" + random.nextInt(50);
            long sequence = step + 1L;
            if (!spans.isEmpty() && spans.get(spans.size() - 1).commandId().equals(id)) {
                KnownState.CommandSpan last = spans.remove(spans.size() - 1);
                spans.add(new KnownState.CommandSpan(id, last.firstSequence(), sequence));
            } else {
                spans.add(new KnownState.CommandSpan(id, sequence, sequence));
                if (spans.size() > RecentCommands.MAX) {
                    spans.remove(0);
                }
            }
            RecentCommands next = value.including(id, sequence);
            assertThat(next.spans()).isEqualTo(spans);
            assertThat(value.spans()).isEqualTo(expected.get(from)); // unchanged by the append
            for (KnownState.CommandSpan span : spans) {
                // the newest span of an id is the one found
                KnownState.CommandSpan newest = spans.stream()
                        .filter(s -> s.commandId().equals(span.commandId()))
                        .reduce((a, b) -> b)
                        .orElseThrow();
                assertThat(next.find(span.commandId())).contains(newest);
            }
            values.add(next);
            expected.add(List.copyOf(spans));
            if (values.size() > 64) {
                values.remove(0);
                expected.remove(0);
            }
        }
    }
}
