package dev.verdict.cli;

import io.nats.client.AuthenticationException;
import io.nats.client.Connection;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Option;

/**
 * The connection options every command takes, like the applications': server URL ({@code NATS_URL}), user and
 * password ({@code NATS_USER}, {@code NATS_PASSWORD}), credentials file ({@code NATS_CREDS}), TLS. Secrets are never
 * printed: a password given without a value is asked for without echo, URLs in messages are masked.
 */
final class Connect {
    /** How long connecting may take before the server counts as unreachable. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

    @Option(
            names = {"-s", "--server"},
            paramLabel = "URL",
            defaultValue = "${env:NATS_URL:-nats://127.0.0.1:4222}",
            description = "NATS server URL (default: $NATS_URL or nats://127.0.0.1:4222).")
    String server;

    @Option(
            names = "--user",
            paramLabel = "NAME",
            defaultValue = "${env:NATS_USER}",
            description = "User name (default: $NATS_USER).")
    String user;

    @Option(
            names = "--password",
            paramLabel = "PASSWORD",
            arity = "0..1",
            interactive = true,
            description = "Password; without a value it is asked for (no echo). Default: $NATS_PASSWORD.")
    char[] password;

    @Option(
            names = "--creds",
            paramLabel = "FILE",
            defaultValue = "${env:NATS_CREDS}",
            description = "Credentials file (JWT and NKey seed; default: $NATS_CREDS).")
    Path creds;

    @Option(
            names = "--tls",
            description = "Require TLS (the JVM's trust store unless --truststore is given; implied by tls:// URLs).")
    boolean tls;

    @Option(names = "--truststore", paramLabel = "FILE", description = "Trust store (PKCS12/JKS) for TLS.")
    Path truststore;

    @Option(
            names = "--truststore-password",
            paramLabel = "PASSWORD",
            arity = "0..1",
            interactive = true,
            description = "Trust store password (asked for without a value).")
    char[] truststorePassword;

    @Option(names = "--keystore", paramLabel = "FILE", description = "Key store with a client certificate for TLS.")
    Path keystore;

    @Option(
            names = "--keystore-password",
            paramLabel = "PASSWORD",
            arity = "0..1",
            interactive = true,
            description = "Key store password (asked for without a value).")
    char[] keystorePassword;

    @Option(names = "--verbose", description = "Also print the framework's log lines (on standard error).")
    boolean verbose;

    /** The last error the server sent on this connection (e.g. a permissions violation). */
    private final AtomicReference<String> serverError = new AtomicReference<>();

    /** Connects, or fails with exit code 3 and one line naming the (masked) server and the reason. */
    Connection open() {
        Options.Builder b = Options.builder()
                .server(server)
                .connectionName("verdict-cli")
                .connectionTimeout(CONNECT_TIMEOUT)
                .maxReconnects(0)
                .errorListener(new Listener());
        Optional<char[]> pw = password().filter(p -> p.length > 0);
        if (user != null && !user.isEmpty()) {
            b.userInfo(user.toCharArray(), pw.orElse(new char[0]));
        } else if (pw.isPresent()) {
            throw CliFailure.usage("--password needs --user");
        }
        if (creds != null) {
            if (!Files.isReadable(creds)) {
                throw CliFailure.usage("cannot read credentials file " + creds);
            }
            b.authHandler(Nats.credentials(creds.toString()));
        }
        try {
            if (truststore != null) {
                b.truststorePath(truststore.toString());
                if (truststorePassword != null) {
                    b.truststorePassword(truststorePassword);
                }
            }
            if (keystore != null) {
                b.keystorePath(keystore.toString());
                if (keystorePassword != null) {
                    b.keystorePassword(keystorePassword);
                }
            }
            if (tls && truststore == null && keystore == null) {
                b.secure();
            }
        } catch (NoSuchAlgorithmException | IllegalArgumentException | IllegalStateException e) {
            throw CliFailure.usage("cannot set up TLS: " + e.getMessage());
        }
        String where = Secrets.redact(server);
        try {
            return Nats.connect(b.build());
        } catch (AuthenticationException e) {
            throw CliFailure.unreachable("the server at " + where + " refused the connection: " + e.getMessage());
        } catch (IOException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw CliFailure.unreachable("cannot connect to " + where + ": " + reason);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliFailure.unreachable("interrupted while connecting to " + where);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw CliFailure.usage("cannot use server " + where + ": " + e.getMessage());
        }
    }

    private Optional<char[]> password() {
        if (password != null) {
            return Optional.of(password);
        }
        String env = System.getenv("NATS_PASSWORD");
        return env == null || env.isEmpty() ? Optional.empty() : Optional.of(env.toCharArray());
    }

    /**
     * The failure to report for an exception of a call to the server: refused (a permissions violation the server
     * reported) and unreachable (no answer) exit with 3, "not found" answers with 1.
     */
    CliFailure failure(String what, Exception failure) {
        Throwable e = failure;
        while (!(e instanceof JetStreamApiException || e instanceof IOException || e instanceof TimeoutException)
                && e.getCause() != null
                && e.getCause() != e) {
            e = e.getCause();
        }
        String refused = serverError.get();
        if (refused != null && refused.toLowerCase(java.util.Locale.ROOT).contains("permission")) {
            return CliFailure.unreachable(what + ": the server refused: " + refused);
        }
        if (e instanceof JetStreamApiException api) {
            if (api.getApiErrorCode() == 10059 || api.getApiErrorCode() == 10014 || api.getErrorCode() == 404) {
                return CliFailure.notFound(what + ": " + api.getErrorDescription());
            }
            if (api.getErrorCode() == 403) {
                return CliFailure.unreachable(what + ": the server refused: " + api.getErrorDescription());
            }
            return new CliFailure(Verdict.NOT_FOUND, what + ": " + api.getErrorDescription());
        }
        if (e instanceof IOException || e instanceof TimeoutException || e instanceof IllegalStateException) {
            return CliFailure.unreachable(what + ": no answer from the server (" + e.getMessage() + ")");
        }
        return new CliFailure(Verdict.NOT_FOUND, what + ": " + e.getMessage());
    }

    /** Whether the server reported a permissions violation on this connection. */
    Optional<String> refusal() {
        String error = serverError.get();
        return error != null && error.toLowerCase(java.util.Locale.ROOT).contains("permission")
                ? Optional.of(error)
                : Optional.empty();
    }

    /** Records what the server reports instead of jnats' default printing to the console. */
    private final class Listener implements ErrorListener {
        @Override
        public void errorOccurred(Connection conn, String error) {
            serverError.set(error);
        }

        @Override
        public void exceptionOccurred(Connection conn, Exception exp) {}

        @Override
        public void slowConsumerDetected(Connection conn, Consumer consumer) {}
    }
}
