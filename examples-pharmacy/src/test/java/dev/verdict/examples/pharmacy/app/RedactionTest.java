package dev.verdict.examples.pharmacy.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Credentials in URLs never reach a log line: NATS user info and tokens, JDBC password parameters. */
class RedactionTest {

    @Test
    void masksThePasswordOfANatsUrlAndKeepsTheUser() {
        assertThat(Redaction.redact("nats://pharmacist:s3cret@10.0.0.7:4222"))
                .isEqualTo("nats://pharmacist:***@10.0.0.7:4222");
    }

    @Test
    void masksATokenAlone() {
        assertThat(Redaction.redact("tls://t0k3n@nats.example.com:4222")).isEqualTo("tls://***@nats.example.com:4222");
    }

    @Test
    void masksEveryUrlOfAList() {
        assertThat(Redaction.redact("nats://a:x1@h1:4222,nats://b:x2@h2:4222"))
                .isEqualTo("nats://a:***@h1:4222,nats://b:***@h2:4222");
    }

    @Test
    void masksPasswordParametersOfAJdbcUrl() {
        assertThat(Redaction.redact("jdbc:postgresql://127.0.0.1:5432/pharmacy?user=app&password=x&ssl=true"))
                .isEqualTo("jdbc:postgresql://127.0.0.1:5432/pharmacy?user=app&password=***&ssl=true");
        assertThat(Redaction.redact("jdbc:postgresql://db/pharmacy?password=x"))
                .isEqualTo("jdbc:postgresql://db/pharmacy?password=***");
        assertThat(Redaction.redact("jdbc:h2:file:/data/rx;PASSWORD=x;MODE=PostgreSQL"))
                .isEqualTo("jdbc:h2:file:/data/rx;PASSWORD=***;MODE=PostgreSQL");
        assertThat(Redaction.redact("jdbc:sqlserver://db;user=app;sslPassword=k;accessToken=t"))
                .isEqualTo("jdbc:sqlserver://db;user=app;sslPassword=***;accessToken=***");
    }

    @Test
    void masksUrlsInsideAnyText() {
        assertThat(Redaction.redact("Unable to connect to NATS servers: [nats://u:pw@127.0.0.1:1]"))
                .isEqualTo("Unable to connect to NATS servers: [nats://u:***@127.0.0.1:1]");
    }

    @Test
    void leavesAUrlWithoutCredentialsAsItIs() {
        assertThat(Redaction.redact("nats://127.0.0.1:4222")).isEqualTo("nats://127.0.0.1:4222");
        assertThat(Redaction.redact("http://host/path?q=1&user=me")).isEqualTo("http://host/path?q=1&user=me");
    }

    @Test
    void aDatabaseIsDescribedWithoutItsPassword() {
        JdbcDatabase database = new JdbcDatabase(
                "jdbc:postgresql://127.0.0.1:5432/pharmacy?password=x", Optional.of("app"), Optional.of("env-pw"));

        assertThat(database.describe())
                .isEqualTo("jdbc:postgresql://127.0.0.1:5432/pharmacy?password=*** as app")
                .doesNotContain("=x")
                .doesNotContain("env-pw");
        assertThat(database.toString()).doesNotContain("=x");
    }

    @Test
    void settingsPrintNoCredentials() {
        PharmacySettings settings = new PharmacySettings(
                "127.0.0.1",
                0,
                "nats://app:nats-pw@127.0.0.1:4222",
                "jdbc:postgresql://db/pharmacy?password=url-pw",
                Optional.of("app"),
                Optional.of("env-pw"),
                "pharmacy");

        assertThat(settings.toString())
                .doesNotContain("nats-pw")
                .doesNotContain("url-pw")
                .doesNotContain("env-pw")
                .contains("nats://app:***@127.0.0.1:4222");
        assertThat(PharmacySettings.forTest("nats://t@h:1", Path.of("data")).toString())
                .contains("nats://***@h:1");
    }
}
