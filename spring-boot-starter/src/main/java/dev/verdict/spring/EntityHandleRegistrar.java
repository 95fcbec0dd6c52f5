package dev.verdict.spring;

import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.Registration;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.core.ResolvableType;

/**
 * Registers an {@link EntityHandle} bean for every {@link Registration} bean: named {@code <registration bean>Handle},
 * typed {@code EntityHandle<C, S, E>} with the registration's type arguments (when the bean's declared type has them,
 * e.g. a {@code @Bean} method returning {@code Registration<RxCommand, Rx, RxEvent>}), so it can be injected by its
 * generic type. The handle is created by {@link CommandRuntime#register} on the runtime bean.
 */
final class EntityHandleRegistrar implements BeanDefinitionRegistryPostProcessor {
    static final String SUFFIX = "Handle";

    @Override
    public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
        if (!(registry instanceof ConfigurableListableBeanFactory factory)) {
            return;
        }
        for (String name : factory.getBeanNamesForType(Registration.class, true, false)) {
            String handleName = name + SUFFIX;
            if (registry.containsBeanDefinition(handleName)) {
                continue;
            }
            ResolvableType handleType = handleType(factory, name);
            RootBeanDefinition definition = new RootBeanDefinition(EntityHandle.class);
            definition.setTargetType(handleType);
            definition.setRole(BeanDefinition.ROLE_APPLICATION);
            definition.setInstanceSupplier(
                    () -> factory.getBean(CommandRuntime.class).register(factory.getBean(name, Registration.class)));
            registry.registerBeanDefinition(handleName, definition);
        }
    }

    private static ResolvableType handleType(ConfigurableListableBeanFactory factory, String name) {
        ResolvableType declared = ResolvableType.NONE;
        try {
            factory.getType(name, false); // resolves and caches a factory method's generic return type
            BeanDefinition definition = factory.getMergedBeanDefinition(name);
            declared = definition.getResolvableType().as(Registration.class);
        } catch (RuntimeException unresolvable) {
            // fall back to the raw type
        }
        if (declared != ResolvableType.NONE && !declared.hasUnresolvableGenerics()) {
            return ResolvableType.forClassWithGenerics(EntityHandle.class, declared.getGenerics());
        }
        return ResolvableType.forClass(EntityHandle.class);
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {}
}
