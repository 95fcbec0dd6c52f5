package com.example.rx;

import dev.verdict.decider.DomainRejection;

public final class NotPrescribed extends DomainRejection {
    public NotPrescribed() {
        super("rx.not-prescribed", "nothing was prescribed yet");
    }
}
