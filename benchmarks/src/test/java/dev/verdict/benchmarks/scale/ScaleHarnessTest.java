package dev.verdict.benchmarks.scale;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.projection.Partition;
import dev.verdict.store.EntityRef;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/** The scale harness's layout and arithmetic (no server, no benchmark is run). */
class ScaleHarnessTest {

    @Test
    void anEntityLivesOnTheStreamOfItsPartition() {
        ScaleLayout sharded = new ScaleLayout("scale", 16);
        int[] perShard = new int[16];
        for (int i = 0; i < 1000; i++) {
            EntityRef e = ScaleLayout.entity(i);
            int k = Partition.of(e, 16).index();
            perShard[k]++;
            assertThat(sharded.shardOf(e)).isEqualTo(k);
            assertThat(sharded.streamOf(e)).isEqualTo("scale-" + k);
            assertThat(sharded.subjectOf(e)).isEqualTo("scale-" + k + ".rx.rx-" + i);
            assertThat(sharded.firstEvent(i).getSubject()).isEqualTo(sharded.subjectOf(e));
        }
        assertThat(java.util.Arrays.stream(perShard).min().orElseThrow()).isGreaterThan(30); // every shard
        ScaleLayout single = new ScaleLayout("scale", 1);
        assertThat(single.subjectOf(ScaleLayout.entity(7))).isEqualTo("scale.rx.rx-7");
    }

    @Test
    void theFillLeavesOutOnlyTheMessageId() {
        ScaleLayout layout = new ScaleLayout("scale", 16);
        assertThat(layout.firstEvent(1).getHeaders().containsKey("Nats-Msg-Id")).isFalse();
        assertThat(layout.firstEvent(1).getHeaders().containsKey("Verdict-Type"))
                .isTrue();
        assertThat(layout.appendedEvent(ScaleLayout.entity(1)).getHeaders().containsKey("Nats-Msg-Id"))
                .isTrue();
    }

    @Test
    void anEntityOnAShardIsOnIt() {
        ScaleLayout layout = new ScaleLayout("scale", 16);
        for (int k = 0; k < 16; k++) {
            assertThat(layout.shardOf(layout.entityOnShard("probe", k))).isEqualTo(k);
        }
    }

    @Test
    void percentilesUseTheNearestRank() {
        Samples s = new Samples();
        for (int i = 1000; i >= 1; i--) {
            s.add(i * 1_000_000L);
        }
        assertThat(s.millis(50)).isEqualTo(500.0);
        assertThat(s.millis(99)).isEqualTo(990.0);
        assertThat(new Samples().millis(50)).isNaN();
    }

    @Test
    void aStallIsTheLongestTimeWithoutASuccessCountedFromTheKill() {
        ConcurrentLinkedQueue<ClusterFailover.Attempt> log = new ConcurrentLinkedQueue<>();
        log.add(new ClusterFailover.Attempt(-1, true)); // before the kill: not counted
        log.add(new ClusterFailover.Attempt(-1, false));
        log.add(new ClusterFailover.Attempt(100_000_000L, false));
        log.add(new ClusterFailover.Attempt(2_000_000_000L, false));
        log.add(new ClusterFailover.Attempt(3_500_000_000L, true));
        log.add(new ClusterFailover.Attempt(3_600_000_000L, true));
        assertThat(ClusterFailover.stallOf(log))
                .isEqualTo("2 appends failed, longest time without a successful append 3.50 s");
    }

    @Test
    void aTableHasARowForEveryMeasureOfAnyColumn() {
        Map<String, Map<String, String>> columns = new LinkedHashMap<>();
        columns.put("one stream", new LinkedHashMap<>(Map.of("rss", "1 MiB")));
        columns.put("16 shards", new LinkedHashMap<>(Map.of("rss", "2 MiB", "restart", "3.0")));
        assertThat(ScaleRun.table("T", columns))
                .isEqualTo("#### T\n\n| measure | one stream | 16 shards |\n|---|---|---|\n"
                        + "| rss | 1 MiB | 2 MiB |\n| restart |  | 3.0 |\n");
    }
}
