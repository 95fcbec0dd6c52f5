package dev.verdict.testing.laws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.verdict.testing.LawViolation;
import dev.verdict.testing.bank.AccountCommand.Open;
import dev.verdict.testing.bank.AccountCommand.Withdraw;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.EngineFilter;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

class SeededViolationShrinkingTest {

    @Test
    void findsTheSeededOverdraftAndShrinksItToOpenThenWithdrawOne() {
        List<Throwable> failures = run(BrokenAccountProperties.class);

        assertThat(failures).hasSize(1);
        assertThat(failures.get(0)).isInstanceOf(LawViolation.class);
        LawViolation violation = (LawViolation) failures.get(0);
        assertThat(violation.law()).isEqualTo("invariant 'balance is never negative'");
        assertThat(violation.commands()).hasSizeLessThanOrEqualTo(2);
        assertThat(violation.commands()).last().isEqualTo(new Withdraw(1));
        assertThat(violation.commands().get(0)).isInstanceOf(Open.class);
    }

    @Test
    void inheritedPropertiesFindTheSameViolationAndNothingElse() {
        List<Throwable> failures = run(InheritedBrokenAccountProperties.class);

        assertThat(failures).hasSize(1);
        assertThat(failures.get(0)).isInstanceOfSatisfying(LawViolation.class, v -> {
            assertThat(v.law()).isEqualTo("invariant 'balance is never negative'");
            assertThat(v.commands()).hasSizeLessThanOrEqualTo(3);
        });
    }

    private static List<Throwable> run(Class<?> properties) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(properties))
                .filters(EngineFilter.includeEngines("jqwik"))
                .build();
        Launcher launcher = LauncherFactory.create();
        List<Throwable> failures = new ArrayList<>();
        launcher.execute(request, new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                if (test.isTest()) {
                    result.getThrowable().ifPresent(failures::add);
                }
            }
        });
        return failures;
    }
}
