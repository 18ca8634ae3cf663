package org.seer4j.data.archfixture;

/** Stands for a data-adapters class in ArchitectureTest's violation fixtures. Test code only. */
public final class DataAdapterFixture {
}
