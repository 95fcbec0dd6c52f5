package dev.verdict.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** IDEs complete the {@code verdict.*} properties from the metadata the configuration processor generates. */
class StarterMetadataTest {

    @Test
    void configurationMetadataDescribesTheProperties() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
            String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(json)
                    .contains("\"verdict.nats.url\"")
                    .contains("\"verdict.store.name\"")
                    .contains("\"verdict.store.replicas\"")
                    .contains("\"verdict.command-index.enabled\"")
                    .contains("\"verdict.projections.auto-startup\"")
                    .contains("\"defaultValue\": \"nats:\\/\\/127.0.0.1:4222\"");
        }
    }

    @Test
    void theAutoConfigurationIsListed() throws Exception {
        try (InputStream in = getClass()
                .getResourceAsStream(
                        "/META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .contains(VerdictAutoConfiguration.class.getName());
        }
    }
}
