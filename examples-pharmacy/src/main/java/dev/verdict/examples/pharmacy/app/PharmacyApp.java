package dev.verdict.examples.pharmacy.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpServer;
import dev.verdict.decider.CombinedState;
import dev.verdict.examples.pharmacy.Dispensing;
import dev.verdict.examples.pharmacy.Dispensing.DispenseFill;
import dev.verdict.examples.pharmacy.Inventory;
import dev.verdict.examples.pharmacy.InventoryCommand;
import dev.verdict.examples.pharmacy.InventoryDecider;
import dev.verdict.examples.pharmacy.InventoryEvent;
import dev.verdict.examples.pharmacy.PharmacyProcess;
import dev.verdict.examples.pharmacy.Prescription;
import dev.verdict.examples.pharmacy.PrescriptionCommand;
import dev.verdict.examples.pharmacy.PrescriptionDecider;
import dev.verdict.examples.pharmacy.PrescriptionEvent;
import dev.verdict.projection.EventMessageReader;
import dev.verdict.projection.ProjectionRunner;
import dev.verdict.projection.SubjectFilter;
import dev.verdict.projection.process.ProcessProjection;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.MultiEntityHandle;
import dev.verdict.runtime.MultiRegistration;
import dev.verdict.runtime.Outcome;
import dev.verdict.runtime.Registration;
import dev.verdict.runtime.SnapshotPolicy;
import dev.verdict.store.Category;
import dev.verdict.store.EntityRef;
import dev.verdict.store.StoreName;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.codec.JsonStateCodec;
import dev.verdict.store.nats.NatsCommandIndex;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.NatsRecordedEvents;
import dev.verdict.store.nats.NatsSnapshotStore;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pharmacy example app: two deciders on the Verdict runtime, a relational read model, a process manager, and an
 * HTTP JSON API on the JDK's built-in server.
 *
 * <p>Wiring, in the order {@link #start} does it:
 *
 * <ol>
 *   <li>a NATS connection (reconnecting forever) and the event store {@code pharmacy} – one JetStream stream, one
 *       subject per entity – with its snapshot bucket;
 *   <li>the command runtime with two registrations: {@code prescription} ({@link PrescriptionDecider}) and {@code
 *       inventory} ({@link InventoryDecider}), both snapshotted, and the decision over both, {@code dispense} ({@link
 *       Dispensing}): a dispense and its stock deduction are one atomic append;
 *   <li>the read model {@link PatientPrescriptions} on a durable consumer (H2 file or PostgreSQL);
 *   <li>the process manager {@link PharmacyProcess} on a durable consumer of the inventory's events, requesting a
 *       reorder when a dispense takes a drug's stock below the threshold (command ids derived from the triggering
 *       event);
 *   <li>the HTTP API ({@link PharmacyHttpApi}) on {@code 127.0.0.1:PORT}, and the console: its static files at
 *       {@code /} ({@link ConsoleFiles}) and its live events at {@code /events/stream} ({@link LiveEvents}).
 * </ol>
 *
 * <pre>{@code
 * try (PharmacyApp app = PharmacyApp.start(PharmacySettings.fromEnvironment(System.getenv()))) {
 *     System.out.println("listening on " + app.url());
 * }
 * }</pre>
 */
public final class PharmacyApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PharmacyApp.class);
    static final String PROCESS = "stock-reorder";

    private final Connection nats;
    private final CommandRuntime runtime;
    private final HttpServer server;
    private final ExecutorService executor;
    private final ProjectionRunner<PrescriptionEvent> readModelRunner;
    private final ProjectionRunner<InventoryEvent> processRunner;
    private final URI url;

    private PharmacyApp(
            Connection nats,
            CommandRuntime runtime,
            HttpServer server,
            ExecutorService executor,
            ProjectionRunner<PrescriptionEvent> readModelRunner,
            ProjectionRunner<InventoryEvent> processRunner) {
        this.nats = nats;
        this.runtime = runtime;
        this.server = server;
        this.executor = executor;
        this.readModelRunner = readModelRunner;
        this.processRunner = processRunner;
        InetSocketAddress address = server.getAddress();
        this.url = URI.create("http://" + address.getHostString() + ":" + address.getPort());
    }

    /** The JSON mapper of the API: ISO-8601 instants, no failure on unknown properties. */
    static ObjectMapper objectMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    /**
     * Connects, provisions, starts the projections and the HTTP server.
     *
     * @throws IllegalStateException with one sentence saying what is wrong (NATS unreachable, port taken, database
     *     unreachable)
     */
    public static PharmacyApp start(PharmacySettings settings) {
        Connection nats = connect(settings.natsUrl());
        try {
            return start(settings, nats);
        } catch (RuntimeException e) {
            closeQuietly(nats);
            throw e;
        }
    }

    private static PharmacyApp start(PharmacySettings settings, Connection nats) {
        StoreName storeName = StoreName.of(settings.storeName());
        NatsEventStoreConfig config = NatsEventStoreConfig.builder()
                .storeName(storeName)
                .replicas(settings.replicas())
                .build();
        NatsEventStore store = NatsEventStore.create(nats, config);
        NatsSnapshotStore snapshots = NatsSnapshotStore.create(nats, config);
        // the command-id index answers a command re-sent after the server's duplicate window (a client retrying the
        // next day, a process manager's reaction re-sent after a crash) with its original outcome
        CommandRuntime runtime = CommandRuntime.builder(store)
                .snapshots(snapshots)
                .commandIndex(NatsCommandIndex.create(nats, config))
                .build();

        JsonEventCodec<PrescriptionEvent> prescriptionCodec = JsonEventCodec.of(PrescriptionEvent.class);
        JsonEventCodec<InventoryEvent> inventoryCodec = JsonEventCodec.of(InventoryEvent.class);
        PrescriptionDecider prescriptionDecider = new PrescriptionDecider();
        InventoryDecider inventoryDecider = new InventoryDecider();
        EntityHandle<PrescriptionCommand, Prescription, PrescriptionEvent> prescriptions =
                runtime.register(Registration.of(Pharmacy.PRESCRIPTION, prescriptionDecider, prescriptionCodec)
                        .withStateCodec(JsonStateCodec.of(Prescription.class))
                        .withSnapshotPolicy(SnapshotPolicy.everyEvents(10)));
        EntityHandle<InventoryCommand, Inventory, InventoryEvent> inventory =
                runtime.register(Registration.of(Pharmacy.INVENTORY, inventoryDecider, inventoryCodec)
                        .withStateCodec(JsonStateCodec.of(Inventory.class))
                        .withSnapshotPolicy(SnapshotPolicy.everyEvents(50)));
        // the same decider instances: the dispense shares the entities' cached states and snapshots
        MultiEntityHandle<DispenseFill, CombinedState<Prescription, Inventory>, Object> dispenses = runtime.register(
                MultiRegistration.of("dispense", new Dispensing(prescriptionDecider, inventoryDecider).decider()));

        JdbcDatabase database = new JdbcDatabase(settings.jdbcUrl(), settings.jdbcUser(), settings.jdbcPassword());
        PatientPrescriptions readModel;
        try {
            readModel = new PatientPrescriptions(database);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot open the read model's database " + database.describe() + ": "
                            + Redaction.redact(e.getMessage()),
                    e);
        }

        EventMessageReader reader = message -> NatsRecordedEvents.fromMessage(storeName, message);
        SubjectFilter prescriptionEvents = SubjectFilter.category(storeName, Category.of(Pharmacy.PRESCRIPTION));
        ProjectionRunner<PrescriptionEvent> readModelRunner = ProjectionRunner.builder(
                        nats, prescriptionEvents, prescriptionCodec, reader, readModel.projection())
                .build();
        // store outages and exhausted conflict retries of the inventory runtime are retried by the host (never
        // dead-lettered); a rejection is the stock's answer: logged, and the process goes on
        SubjectFilter inventoryEvents = SubjectFilter.category(storeName, Category.of(Pharmacy.INVENTORY));
        ProcessProjection<InventoryEvent, PharmacyProcess.Stateless, InventoryCommand> process =
                ProcessProjection.builder(
                                nats,
                                PROCESS,
                                new PharmacyProcess(),
                                JsonStateCodec.of(PharmacyProcess.Stateless.class),
                                command -> EntityRef.of(Pharmacy.INVENTORY, command.drug()),
                                (target, command, context) -> {
                                    Outcome<Inventory, InventoryEvent> outcome =
                                            inventory.handle(target.id().value(), command, context);
                                    if (outcome instanceof Outcome.Rejected<Inventory, InventoryEvent> rejected) {
                                        LOG.warn(
                                                "stock reorder: {} refused {}: {}",
                                                target,
                                                command,
                                                rejected.rejection().getMessage());
                                    }
                                })
                        .replicas(config.replicas()) // the state bucket as durable as the store
                        .build();
        ProjectionRunner<InventoryEvent> processRunner = ProjectionRunner.builder(
                        nats, inventoryEvents, inventoryCodec, reader, process)
                .build();
        readModelRunner.start();
        processRunner.start();

        ObjectMapper json = objectMapper();
        Pharmacy pharmacy = new Pharmacy(prescriptions, inventory, dispenses, store, nats, readModel, json);
        IdempotencyRecords idempotency;
        try {
            idempotency = IdempotencyRecords.open(
                    nats,
                    settings.storeName() + "-idempotency",
                    IdempotencyRecords.DEFAULT_RETENTION,
                    IdempotencyRecords.DEFAULT_LEASE,
                    json,
                    Clock.systemUTC());
        } catch (IOException | JetStreamApiException e) {
            readModelRunner.close();
            processRunner.close();
            throw new IllegalStateException("cannot open the Idempotency-Key bucket: " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(32, runnable -> {
            Thread thread = new Thread(runnable, "pharmacy-http");
            thread.setDaemon(true);
            return thread;
        });
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 128);
        } catch (BindException e) {
            readModelRunner.close();
            processRunner.close();
            executor.shutdownNow();
            throw new IllegalStateException(
                    "port " + settings.port() + " on " + settings.host()
                            + " is taken; set PORT to a free port (or 0 for any)",
                    e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PharmacyHttpApi api = new PharmacyHttpApi(pharmacy, idempotency, json, Clock.systemUTC());
        ConsoleFiles console = new ConsoleFiles();
        // the console's page at "/", its files under /console/, its live events; every other path is the API
        server.createContext("/", exchange -> {
            if (exchange.getRequestURI().getRawPath().equals("/")) {
                console.handle(exchange);
            } else {
                api.handle(exchange);
            }
        });
        server.createContext("/console/", console);
        server.createContext("/events/stream", new LiveEvents(nats, storeName, json));
        server.setExecutor(executor);
        server.start();
        PharmacyApp app = new PharmacyApp(nats, runtime, server, executor, readModelRunner, processRunner);
        LOG.info(
                "pharmacy listening on {} (NATS {}, read model {})",
                app.url(),
                Redaction.redact(settings.natsUrl()),
                database.describe());
        return app;
    }

    private static Connection connect(String url) {
        NatsConnectionLog log = new NatsConnectionLog();
        Options options = Options.builder()
                .server(url)
                .connectionListener(log)
                .errorListener(log)
                .connectionName("verdict-pharmacy")
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(250))
                .connectionTimeout(Duration.ofSeconds(5))
                .build();
        try {
            return Nats.connect(options);
        } catch (IOException e) {
            // the cause is not attached: its message may repeat the URL with its credentials
            throw new IllegalStateException("cannot reach the nats-server at " + Redaction.redact(url) + " ("
                    + Redaction.redact(e.getMessage()) + "); start one with scripts/pharmacy or set NATS_URL");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to " + Redaction.redact(url));
        }
    }

    /** Where the HTTP API listens, e.g. {@code http://127.0.0.1:8080}. */
    public URI url() {
        return url;
    }

    /** Stops the HTTP server, the projections and the NATS connection. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        readModelRunner.close();
        processRunner.close();
        runtime.close();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(nats);
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs the app until the process is stopped (Ctrl-C), printing where it listens and three requests to try. */
    public static void main(String[] args) {
        PharmacyApp app;
        try {
            app = start(PharmacySettings.fromEnvironment(System.getenv()));
        } catch (IllegalStateException | IllegalArgumentException e) {
            System.err.println("pharmacy: " + Redaction.redact(e.getMessage()));
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "pharmacy-shutdown"));
        String u = app.url().toString();
        System.out.println();
        System.out.println("Verdict pharmacy is running on " + u + "  (Ctrl-C to stop)");
        System.out.println();
        System.out.println("Console: open " + u + "/ in a browser (two windows show each other's commands live)");
        System.out.println();
        System.out.println("Try:");
        System.out.println("  curl -s -X POST " + u + "/prescriptions -H 'Content-Type: application/json' \\");
        System.out.println(
                "       -d '{\"prescriptionId\":\"rx-1\",\"patientId\":\"patient-1\",\"drug\":\"amoxicillin\","
                        + "\"quantity\":30,\"unit\":\"tablet\",\"refills\":1,\"prescriberId\":\"dr-house\"}'");
        System.out.println("  curl -s -X POST " + u + "/prescriptions/rx-1/verify -d '{\"pharmacistId\":\"ana\"}'");
        System.out.println("  curl -s -X POST " + u + "/inventory/amoxicillin/receive -d '{\"quantity\":100}'"
                + "   # a dispense takes its units from the stock");
        System.out.println("  curl -s -X POST " + u + "/prescriptions/rx-1/dispense -H 'Idempotency-Key: k-1'"
                + " -d '{\"quantity\":10}'");
        System.out.println();
        System.out.println("Then: curl -s " + u + "/prescriptions/rx-1/events   ·   " + u
                + "/patients/patient-1/prescriptions   ·   scripts/pharmacy demo");
    }
}
