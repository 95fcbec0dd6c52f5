package dev.verdict.benchmarks.scale;

import dev.verdict.store.EntityRef;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import java.util.BitSet;
import java.util.SplittableRandom;
import java.util.function.IntSupplier;

/**
 * The measured operations of the single-server scale benchmark, as interleaved pairs (Verdict, raw; the order
 * alternates): a guarded append – Verdict's {@code append} with the expected version against a raw publish with
 * {@code Nats-Expected-Last-Subject-Sequence} and the same headers – and a cold load of an entity with a snapshot
 * against a raw last-message-by-subject get. Every pair uses two different entities; an entity drawn once is never
 * drawn again (its block would be warm), except in the hot class.
 */
final class GuardedAppends {
    private final ScaleLayout layout;
    private final VerdictShards verdict;
    private final JetStream js;
    private final JetStreamManagement jsm;
    private final long[] versions;
    private final BitSet used = new BitSet();
    private final SplittableRandom random = new SplittableRandom(28);

    GuardedAppends(ScaleLayout layout, VerdictShards verdict, JetStream js, JetStreamManagement jsm, long[] versions) {
        this.layout = layout;
        this.verdict = verdict;
        this.js = js;
        this.jsm = jsm;
        this.versions = versions;
    }

    /** Draws an entity among [from, to) not drawn before. */
    IntSupplier fresh(int from, int to) {
        return () -> {
            for (int attempt = 0; attempt < 1000; attempt++) {
                int i = random.nextInt(from, to);
                if (!used.get(i)) {
                    used.set(i);
                    return i;
                }
            }
            throw new IllegalStateException("no unused entity left in [" + from + ", " + to + ")");
        };
    }

    /** Cycles over the entities [from, to) again and again: their blocks stay in the server's cache. */
    IntSupplier cycling(int from, int to) {
        int[] next = {from};
        return () -> {
            int i = next[0];
            next[0] = i + 1 == to ? from : i + 1;
            used.set(i);
            return i;
        };
    }

    /** {@code pairs} interleaved guarded appends, Verdict's on one entity of {@code pick}, raw's on the next. */
    Samples[] appends(int pairs, IntSupplier pick) {
        Samples v = new Samples();
        Samples r = new Samples();
        for (int k = 0; k < pairs; k++) {
            int a = pick.getAsInt();
            int b = pick.getAsInt();
            if (k % 2 == 0) {
                verdictAppend(a, v);
                rawAppend(b, r);
            } else {
                rawAppend(b, r);
                verdictAppend(a, v);
            }
        }
        return new Samples[] {v, r};
    }

    private void verdictAppend(int i, Samples s) {
        long t = System.nanoTime();
        try {
            versions[i] = verdict.append(ScaleLayout.entity(i), versions[i]);
            s.add(System.nanoTime() - t);
        } catch (RuntimeException e) {
            s.fail(e);
        }
    }

    private void rawAppend(int i, Samples s) {
        EntityRef entity = ScaleLayout.entity(i);
        long t = System.nanoTime();
        try {
            PublishAck ack = js.publish(
                    layout.appendedEvent(entity),
                    PublishOptions.builder()
                            .expectedLastSubjectSequence(versions[i])
                            .build());
            versions[i] = ack.getSeqno();
            s.add(System.nanoTime() - t);
        } catch (Exception e) {
            s.fail(e);
        }
    }

    /** Marks entities [from, to) used and gives each a snapshot at its version (setup, not measured). */
    void snapshot(int[] entities) {
        verdict.openSnapshots();
        for (int i : entities) {
            used.set(i);
            verdict.saveSnapshot(ScaleLayout.entity(i), versions[i]);
        }
    }

    /**
     * Interleaved cold loads: Verdict loads {@code withSnapshot[k]} (no cache: snapshot + last-sequence check), raw gets
     * the last message of a fresh entity of {@code pick}.
     */
    Samples[] loads(int[] withSnapshot, IntSupplier pick) {
        Samples v = new Samples();
        Samples r = new Samples();
        for (int k = 0; k < withSnapshot.length; k++) {
            int a = withSnapshot[k];
            int b = pick.getAsInt();
            if (k % 2 == 0) {
                verdictLoad(a, v);
                rawLoad(b, r);
            } else {
                rawLoad(b, r);
                verdictLoad(a, v);
            }
        }
        return new Samples[] {v, r};
    }

    private void verdictLoad(int i, Samples s) {
        long t = System.nanoTime();
        try {
            long version = verdict.load(ScaleLayout.entity(i));
            if (version != versions[i]) {
                throw new IllegalStateException("loaded version " + version + ", expected " + versions[i]);
            }
            s.add(System.nanoTime() - t);
        } catch (RuntimeException e) {
            s.fail(e);
        }
    }

    private void rawLoad(int i, Samples s) {
        EntityRef entity = ScaleLayout.entity(i);
        long t = System.nanoTime();
        try {
            long seq = jsm.getLastMessage(layout.streamOf(entity), layout.subjectOf(entity))
                    .getSeq();
            if (seq != versions[i]) {
                throw new IllegalStateException("last sequence " + seq + ", expected " + versions[i]);
            }
            s.add(System.nanoTime() - t);
        } catch (Exception e) {
            s.fail(e);
        }
    }
}
