package dev.verdict.spring.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.testing.nats.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

// as in docs/spring-boot.md, "Testing" (package com.example.pharmacy there)
// the application closes after the test, while its nats-server still runs
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
@SpringBootTest(classes = PharmacyApplication.class, properties = "verdict.store.name=pharmacy")
class PharmacyApplicationTest {
    @RegisterExtension
    static final NatsServerExtension NATS = NatsServerExtension.singleNode();

    @DynamicPropertySource
    static void nats(DynamicPropertyRegistry properties) {
        properties.add("verdict.nats.url", () -> NATS.server().url());
    }

    @Autowired
    DispensingService dispensing;

    @Test
    void dispenses() {
        assertThat(dispensing.dispense("rx-7", 10, "req-1").state()).isEqualTo(new Rx(20));
    }
}
