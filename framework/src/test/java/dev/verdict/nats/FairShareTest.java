package dev.verdict.nats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class FairShareTest {

    @Test
    void anInstanceAboveTheCeilingHandsOverWhileAnotherIsBelowIt() {
        assertThat(FairShare.shouldHandOver(16, 16, List.of(0, 0))).isTrue();
        assertThat(FairShare.shouldHandOver(7, 16, List.of(5, 4))).isTrue();
        assertThat(FairShare.shouldHandOver(7, 16, List.of(6, 6))).isFalse(); // nobody to take it (stale counts)
    }

    @Test
    void anInstanceAtTheCeilingHandsOverOnlyWhileAnotherIsBelowTheFloor() {
        assertThat(FairShare.shouldHandOver(6, 16, List.of(6, 4))).isTrue();
        assertThat(FairShare.shouldHandOver(6, 16, List.of(5, 5))).isFalse();
        assertThat(FairShare.shouldHandOver(8, 16, List.of(8))).isFalse();
    }

    @Test
    void anInstanceOwningItsCeilingStopsCompeting() {
        assertThat(FairShare.saturated(6, 16, 3)).isTrue();
        assertThat(FairShare.saturated(5, 16, 3)).isFalse();
        assertThat(FairShare.saturated(16, 16, 1)).isTrue();
    }

    /** Hand-overs one at a time, each to the instance owning least, from any start: settles at floor or ceiling. */
    @Test
    void handOversFromAnyDistributionSettleAtTheFloorOrTheCeilingAndThenStop() {
        for (int[] start : new int[][] {{16, 0, 0}, {8, 8, 0}, {6, 6, 4}, {10, 3, 3}, {0, 0, 16}, {4, 4, 4, 4}}) {
            int[] owned = start.clone();
            int partitions = Arrays.stream(owned).sum();
            for (int step = 0; step < 100; step++) {
                int giver = -1;
                for (int i = 0; i < owned.length && giver < 0; i++) {
                    if (FairShare.shouldHandOver(owned[i], partitions, others(owned, i))) {
                        giver = i;
                    }
                }
                if (giver < 0) {
                    break;
                }
                int taker = 0;
                for (int i = 0; i < owned.length; i++) {
                    if (i != giver && owned[i] < owned[taker] || taker == giver) {
                        taker = i;
                    }
                }
                owned[giver]--;
                owned[taker]++;
            }
            int floor = partitions / owned.length;
            int ceiling = FairShare.ceiling(partitions, owned.length);
            assertThat(Arrays.stream(owned).boxed())
                    .as(Arrays.toString(start))
                    .allMatch(o -> o == floor || o == ceiling);
        }
    }

    private static List<Integer> others(int[] owned, int except) {
        List<Integer> others = new ArrayList<>();
        for (int i = 0; i < owned.length; i++) {
            if (i != except) {
                others.add(owned[i]);
            }
        }
        return others;
    }
}
