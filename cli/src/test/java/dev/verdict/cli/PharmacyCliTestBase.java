package dev.verdict.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verdict.nats.NatsProjections;
import dev.verdict.projection.ApplyRetryPolicy;
import dev.verdict.projection.DeliveredEvent;
import dev.verdict.projection.Projection;
import dev.verdict.projection.ProjectionRunner;
import dev.verdict.projection.SubjectFilter;
import dev.verdict.store.Category;
import dev.verdict.store.EncodedEvent;
import dev.verdict.store.EventCodec;
import dev.verdict.store.StoreName;
import dev.verdict.store.capture.CapturedMessage;
import dev.verdict.store.capture.HistoryCapture;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.NatsSnapshotStore;
import dev.verdict.testing.history.HistoryReplay;
import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.api.ConsumerInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the tool's end-to-end tests run against: a real nats-server with an administrator and a user that may only
 * read, the pharmacy's captured history replayed through the test kit, a second store {@code pharmacy-east}, and a
 * running projection of the prescriptions whose handler fails on the first two cancellations (two dead letters)
 * until {@link #cancellationsFixed} is set.
 * Each test class gets its own server.
 */
abstract class PharmacyCliTestBase {
    /** What docs/operations.md documents for a read-only operator: keep the two in step. */
    static final String READER_PERMISSIONS = "publish: { allow: [\"$JS.API.INFO\", \"$JS.API.STREAM.LIST\","
            + " \"$JS.API.STREAM.NAMES\", \"$JS.API.STREAM.INFO.>\", \"$JS.API.DIRECT.GET.>\","
            + " \"$JS.API.STREAM.MSG.GET.>\", \"$JS.API.CONSUMER.LIST.>\", \"$JS.API.CONSUMER.INFO.>\","
            + " \"$JS.API.CONSUMER.CREATE.>\", \"$JS.API.CONSUMER.DELETE.>\", \"$JS.API.CONSUMER.MSG.NEXT.>\"] },"
            + " subscribe: { allow: [\"_INBOX.>\"] }";

    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNodeWithConfig(
            "authorization {",
            "  users: [",
            "    { user: admin, password: admin-secret }",
            "    { user: reader, password: reader-secret, permissions: { " + READER_PERMISSIONS + " } }",
            "  ]",
            "}");

    static final ObjectMapper JSON = new ObjectMapper();
    static final String PROJECTION = "prescription-list";
    static HistoryCapture capture;
    static Connection admin;
    static ProjectionRunner<String> runner;
    /** Whether the projection's handler was fixed: it applies cancellations from then on. */
    static volatile boolean cancellationsFixed;
    /** How many times each cancellation was applied. */
    static final Map<Long, Integer> cancellationsApplied = new java.util.concurrent.ConcurrentHashMap<>();

    static List<Long> cancelled;

    @TempDir
    static Path dir;

    @BeforeAll
    static void pharmacyHistory() throws Exception {
        capture = HistoryCapture.read(Path.of(System.getProperty("verdict.capture")));
        admin = Nats.connect(
                NATS.server().defaultOptions().userInfo("admin", "admin-secret").build());
        HistoryReplay.of(capture).into(admin);
        NatsEventStore.create(admin, NatsEventStoreConfig.of("pharmacy-east"));
        NatsSnapshotStore.create(admin, NatsEventStoreConfig.of("pharmacy-east"));
        // a projection of the prescriptions whose handler fails on the first two cancellations: dead letters
        cancellationsFixed = false;
        cancellationsApplied.clear();
        cancelled = capture.messages().stream()
                .filter(m -> m.header("Verdict-Type").orElse("").equals("PrescriptionCancelled"))
                .map(CapturedMessage::sequence)
                .limit(2)
                .toList();
        runner = NatsProjections.runner(
                        admin,
                        SubjectFilter.category(StoreName.of("pharmacy"), Category.of("prescription")),
                        new TypeOnly(),
                        new FailingList())
                .retryPolicy(ApplyRetryPolicy.none())
                .build();
        runner.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            ConsumerInfo c = consumer();
            if (c != null
                    && c.getNumPending() == 0
                    && c.getNumAckPending() == 0
                    && c.getAckFloor().getStreamSequence() == lastOf("prescription")) {
                break;
            }
            assertThat(System.nanoTime()).as("projection caught up").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** The projection's consumer, or null until the runner created it. */
    private static ConsumerInfo consumer() throws Exception {
        try {
            return admin.jetStreamManagement().getConsumerInfo("pharmacy", "verdict-" + PROJECTION);
        } catch (JetStreamApiException e) {
            return null;
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (runner != null) {
            runner.close();
        }
        if (admin != null) {
            admin.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    static void assertOneLine(CliProcess.Result r, int exit, String message) {
        assertThat(r.exit()).as(r.toString()).isEqualTo(exit);
        assertThat(r.err().strip())
                .as(r.toString())
                .doesNotContain("\n")
                .startsWith("verdict: ")
                .contains(message);
        assertThat(r.out()).as(r.toString()).isEmpty();
    }

    static CliProcess.Result read(String... args) throws Exception {
        return CliProcess.run(env("reader"), "", args);
    }

    static CliProcess.Result verdict(String... args) throws Exception {
        return CliProcess.run(env("admin"), "", args);
    }

    static Map<String, String> env(String user) {
        return Map.of("NATS_URL", NATS.server().url(), "NATS_USER", user, "NATS_PASSWORD", user + "-secret");
    }

    static JsonNode json(CliProcess.Result r) throws Exception {
        assertThat(r.exit()).as(r.toString()).isZero();
        return JSON.readTree(r.out());
    }

    static List<CapturedMessage> messagesOf(String subject) {
        return capture.messages().stream()
                .filter(m -> m.subject().equals(subject))
                .toList();
    }

    static long lastOf(String category) {
        return capture.messages().stream()
                .filter(m -> m.subject().startsWith("pharmacy." + category + "."))
                .mapToLong(CapturedMessage::sequence)
                .max()
                .orElseThrow();
    }

    static long entities() throws Exception {
        return admin.jetStreamManagement()
                .getStreamInfo("pharmacy")
                .getStreamState()
                .getSubjectCount();
    }

    static long events() throws Exception {
        return admin.jetStreamManagement()
                .getStreamInfo("pharmacy")
                .getStreamState()
                .getMsgCount();
    }

    static String identity() {
        return NatsEventStore.create(admin, NatsEventStoreConfig.of("pharmacy")).streamIdentity();
    }

    /** Decodes nothing but the type: the CLI's output does not depend on the application's codecs. */
    private static final class TypeOnly implements EventCodec<String> {
        @Override
        public EncodedEvent encode(String event) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String decode(EncodedEvent encoded) {
            return encoded.type();
        }
    }

    /** A prescription list whose handler cannot handle cancellations. */
    private static final class FailingList implements Projection<String> {
        final Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();

        @Override
        public String name() {
            return PROJECTION;
        }

        @Override
        public OptionalLong checkpoint() {
            return OptionalLong.empty();
        }

        @Override
        public void apply(DeliveredEvent<String> event) {
            if (event.event().equals("PrescriptionCancelled") && cancelled.contains(event.sequence())) {
                if (!cancellationsFixed) {
                    throw new IllegalStateException("cancellations are not supported yet");
                }
                cancellationsApplied.merge(event.sequence(), 1, Integer::sum);
            }
            seen.add(event.recorded().entity().id().value());
        }

        @Override
        public void reset() {
            seen.clear();
        }
    }
}
