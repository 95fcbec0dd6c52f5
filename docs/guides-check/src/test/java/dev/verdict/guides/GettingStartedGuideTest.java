package dev.verdict.guides;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.testing.nats.NatsServerExtension;
import io.nats.client.JetStreamManagement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/getting-started.md as a reader follows it: its files (with README's taste and docs/testing.md's laws, which
 * live in the same project) make a project whose {@code mvn test} passes with every test class of the guides run,
 * and whose application ({@code mvn exec:java}) prints what the guide says, twice, storing the events once.
 */
class GettingStartedGuideTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    @Test
    void theGuidesProjectBuildsAndEveryTestClassRuns() throws Exception {
        GuideProject project =
                GuideProject.of("getting-started", "docs/getting-started.md", "README.md", "docs/testing.md");
        assertThat(project.files()).containsKey("pom.xml");
        assertThat(project.testClasses()).contains("com.example.rx.RxSpec", "com.example.rx.RxLawsTest");

        Map<String, String> nats = Map.of("NATS_URL", NATS.server().url());
        String first = project.maven(nats, Duration.ofMinutes(4), project.withClassPath("test", "exec:java"));

        Map<String, Integer> run = project.testsRun();
        for (String testClass : project.testClasses()) {
            assertThat(run.getOrDefault(testClass, 0))
                    .as("tests run in %s (surefire reports: %s)", testClass, run)
                    .isPositive();
        }

        assertThat(first)
                .as("the nats-server the test kit starts prints none of its own lines into the user's test run")
                .doesNotContain("[INF]");
        assertThat(project.dir().resolve(".jqwik-database"))
                .as("jqwik's database stays out of the project's root (the guide's junit-platform.properties)")
                .doesNotExist();

        assertThat(project.lintWarningsAboutVerdict())
                .as("javac -Xlint:all on the guide's code: warnings about Verdict's classes")
                .isEmpty();

        String second = project.maven(nats, Duration.ofMinutes(2), "-q", "exec:java");
        assertThat(first).contains("dispensed; 20 remain");
        assertThat(second).contains("dispensed; 20 remain");
        JetStreamManagement jsm = NATS.connection().jetStreamManagement();
        assertThat(jsm.getStreamInfo("shop").getStreamState().getMsgCount())
                .as("events stored by two runs of RxApp")
                .isEqualTo(2);
    }
}
