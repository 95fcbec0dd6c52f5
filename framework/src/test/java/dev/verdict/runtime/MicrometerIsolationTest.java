package dev.verdict.runtime;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Micrometer is optional: only its own metrics class may refer to it, so the runtime loads without it. */
class MicrometerIsolationTest {

    @Test
    void onlyMicrometerRuntimeMetricsRefersToMicrometer() {
        JavaClasses runtime = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("dev.verdict.runtime");

        noClasses()
                .that()
                .doNotHaveSimpleName("MicrometerRuntimeMetrics")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.micrometer..")
                .check(runtime);
    }
}
