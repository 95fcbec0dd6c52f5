package com.example.rx;

import dev.verdict.decider.DomainRejection;

public final class NotPrescribed extends DomainRejection {
    private static final long serialVersionUID = 1L;

    public NotPrescribed() {
        super("rx.not-prescribed", "nothing was prescribed yet");
    }
}
