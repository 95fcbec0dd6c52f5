package dev.verdict.examples.pharmacy.app;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.PortInUseException;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The pharmacy example app: a Spring Boot (Spring MVC) application wired by Verdict's starter – two deciders on the
 * command runtime, the decision over both, a relational read model, a process manager, the JSON API and the console.
 * {@link PharmacyConfiguration} lists what it declares; {@code application.properties} what Spring Boot adds (Actuator
 * health and Prometheus metrics).
 *
 * <p>Settings come from the environment ({@link PharmacySettings}: {@code PORT}, {@code NATS_URL}, {@code DATA_DIR},
 * {@code JDBC_URL}, {@code NATS_REPLICAS}), as {@code scripts/pharmacy} passes them; Spring Boot's own properties
 * ({@code application.properties}, {@code SPRING_*}/{@code MANAGEMENT_*} environment variables) tune the rest.
 *
 * <pre>{@code
 * try (PharmacyApp app = PharmacyApp.start(PharmacySettings.fromEnvironment(System.getenv()))) {
 *     System.out.println("listening on " + app.url());
 * }
 * }</pre>
 */
public final class PharmacyApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PharmacyApp.class);

    private final ConfigurableApplicationContext context;
    private final URI url;

    private PharmacyApp(ConfigurableApplicationContext context, URI url) {
        this.context = context;
        this.url = url;
    }

    /** The JSON mapper of the API: ISO-8601 instants, no failure on unknown properties. */
    static com.fasterxml.jackson.databind.ObjectMapper objectMapper() {
        return PharmacyConfiguration.objectMapper();
    }

    /**
     * Starts the application: connects to NATS, provisions the store, starts the projections and the web server.
     *
     * @throws IllegalStateException with one sentence saying what is wrong (NATS unreachable, port taken, database
     *     unreachable), every credential masked
     */
    public static PharmacyApp start(PharmacySettings settings) {
        return start(settings, new Class<?>[0]);
    }

    /** {@link #start(PharmacySettings)} with more configuration classes (tests add an in-memory span exporter). */
    static PharmacyApp start(PharmacySettings settings, Class<?>... more) {
        SpringApplication application = new SpringApplication(PharmacyConfiguration.class);
        application.addPrimarySources(java.util.List.of(more));
        application.setBannerMode(Banner.Mode.OFF);
        application.setLogStartupInfo(false);
        application.setDefaultProperties(springProperties(settings));
        application.addInitializers(
                context -> context.getBeanFactory().registerSingleton("pharmacySettings", settings));
        ConfigurableApplicationContext context;
        try {
            context = application.run();
        } catch (RuntimeException e) {
            throw startFailure(e, settings);
        }
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        PharmacyApp app = new PharmacyApp(context, URI.create("http://" + settings.host() + ":" + port));
        LOG.info(
                "pharmacy listening on {} (NATS {}, read model {})",
                app.url(),
                Redaction.redact(settings.natsUrl()),
                context.getBean(JdbcDatabase.class).describe());
        return app;
    }

    /**
     * The Spring properties that follow from the settings; the lowest-ranked property source, so {@code
     * application.properties} and the environment can still tune anything else.
     */
    private static Map<String, Object> springProperties(PharmacySettings settings) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("server.address", settings.host());
        properties.put("server.port", settings.port());
        properties.put("verdict.store.name", settings.storeName());
        properties.put("verdict.store.replicas", settings.replicas());
        return properties;
    }

    /** The first failure with a sentence for the user: ours, or a taken port; else the failure itself. */
    private static IllegalStateException startFailure(RuntimeException failure, PharmacySettings settings) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PharmacyStartFailure ours) {
                return ours;
            }
            if (t instanceof PortInUseException) {
                return new IllegalStateException("port " + settings.port() + " on " + settings.host()
                        + " is taken; set PORT to a free port (or 0 for any)");
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return new IllegalStateException(
                "the pharmacy did not start: " + Redaction.redact(String.valueOf(failure.getMessage())), failure);
    }

    /** Where the HTTP API listens, e.g. {@code http://127.0.0.1:8080}. */
    public URI url() {
        return url;
    }

    /**
     * Stops the application: the live event streams end, the web server finishes the requests in hand (graceful
     * shutdown), the projections stop after the event in hand, the runtime and the NATS connection close.
     */
    @Override
    public void close() {
        context.close();
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
        // Spring Boot's shutdown hook closes the app on SIGTERM/Ctrl-C (see close())
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
