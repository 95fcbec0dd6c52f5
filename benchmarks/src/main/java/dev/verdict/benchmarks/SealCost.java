package dev.verdict.benchmarks;

import dev.verdict.benchmarks.PersonalDataCommand.PlainVisitEvent;
import dev.verdict.benchmarks.PersonalDataCommand.PlainVisitRecorded;
import dev.verdict.benchmarks.PersonalDataCommand.VisitEvent;
import dev.verdict.benchmarks.PersonalDataCommand.VisitRecorded;
import dev.verdict.decider.PersonalData;
import dev.verdict.store.EventCodec;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.nats.NatsDataKeys;
import dev.verdict.store.personal.KeyEncryptionKey;
import dev.verdict.store.personal.PersonalDataCodec;
import dev.verdict.testing.nats.LocalNatsServer;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * A diagnostic of scenario 13, not part of a run: the codec's CPU time per encode of scenario 13's event, in
 * process, with the subjects' keys from {@link NatsDataKeys} (default settings, on a nats-server of its own), 1,000
 * subjects in turn – thread CPU time, so that the machine's load does not count (mostly: under load other processes
 * still evict its caches). Each thread count runs the plain codec and the personal codec in alternation, three
 * warm-up and five measured rounds; the medians are printed.
 *
 * <pre>
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/benchmark.classpath) dev.verdict.benchmarks.SealCost [threads...]
 * </pre>
 */
final class SealCost {
    private static final int SUBJECTS = 1_000;
    private static final int ENCODES_PER_ROUND = 200_000;
    private static final int ROUNDS = 5;
    private static final int WARM_UP_ROUNDS = 3;

    private SealCost() {}

    public static void main(String[] args) throws Exception {
        int[] threads = args.length == 0 ? new int[] {1, 8} : parse(args);
        byte[] kekBytes = new byte[32];
        new SecureRandom().nextBytes(kekBytes);
        try (LocalNatsServer server = LocalNatsServer.launch();
                Connection connection = Nats.connect(server.defaultOptions().build());
                NatsDataKeys keys = NatsDataKeys.open(
                        connection, NatsDataKeys.Settings.of("seal-cost", KeyEncryptionKey.aes(kekBytes)))) {
            EventCodec<VisitEvent> personal = PersonalDataCodec.events(JsonEventCodec.of(VisitEvent.class), keys);
            EventCodec<PlainVisitEvent> plain = JsonEventCodec.of(PlainVisitEvent.class);
            String[] ids = new String[SUBJECTS];
            VisitEvent[] personalEvents = new VisitEvent[SUBJECTS];
            PlainVisitEvent[] plainEvents = new PlainVisitEvent[SUBJECTS];
            for (int i = 0; i < SUBJECTS; i++) {
                ids[i] = "p" + i;
                personalEvents[i] =
                        new VisitRecorded(ids[i], PersonalData.of(PersonalDataCommand.NAME), 1, Payloads.AT);
                plainEvents[i] = new PlainVisitRecorded(ids[i], PersonalDataCommand.NAME, 1, Payloads.AT);
                personal.encode(personalEvents[i]); // creates the key
            }
            for (int n : threads) {
                List<Double> plainNs = new ArrayList<>();
                List<Double> personalNs = new ArrayList<>();
                for (int round = 0; round < WARM_UP_ROUNDS + ROUNDS; round++) {
                    double p = perEncode(n, i -> plain.encode(plainEvents[i]).payload().length);
                    double s =
                            perEncode(n, i -> personal.encode(personalEvents[i]).payload().length);
                    if (round >= WARM_UP_ROUNDS) { // the JIT still improves the personal path for a few rounds
                        plainNs.add(p);
                        personalNs.add(s);
                    }
                }
                double pm = median(plainNs);
                double sm = median(personalNs);
                System.out.printf(
                        Locale.ROOT,
                        "threads %d: plain %.2f us, personal %.2f us, seal +%.2f us per encode (CPU; rounds plain %s,"
                                + " personal %s)%n",
                        n,
                        pm / 1000,
                        sm / 1000,
                        (sm - pm) / 1000,
                        plainNs,
                        personalNs);
            }
        }
    }

    /** Mean thread CPU ns per encode over {@code threads} threads, each encoding the subjects in turn. */
    private static double perEncode(int threads, IntFunction<Integer> encode) throws InterruptedException {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        AtomicLong cpu = new AtomicLong();
        AtomicLong sink = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        int each = ENCODES_PER_ROUND / threads;
        for (int t = 0; t < threads; t++) {
            int offset = t * (SUBJECTS / threads);
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                long before = mx.getCurrentThreadCpuTime();
                long bytes = 0;
                for (int i = 0; i < each; i++) {
                    bytes += encode.apply((offset + i) % SUBJECTS);
                }
                cpu.addAndGet(mx.getCurrentThreadCpuTime() - before);
                sink.addAndGet(bytes);
            });
            worker.start();
            workers.add(worker);
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        if (sink.get() == 0) {
            throw new IllegalStateException("nothing encoded");
        }
        return (double) cpu.get() / ((long) each * threads);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    private static int[] parse(String[] args) {
        int[] n = new int[args.length];
        for (int i = 0; i < args.length; i++) {
            n[i] = Integer.parseInt(args[i]);
        }
        return n;
    }
}
