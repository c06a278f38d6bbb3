"""The ck: terms of the clusterkg ontology as an rdflib DefinedNamespace.

GENERATED from ontology/clusterkg.ttl by ``python -m kg.ontology --write-namespace``;
do not edit. tests/test_ontology.py checks that it is in sync with the ontology.
Unknown terms raise AttributeError, so a misspelt term fails where it is used.
"""

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef


class CK(DefinedNamespace):
    """clusterkg ontology, https://w3id.org/clusterkg/ontology#."""

    _NS = Namespace("https://w3id.org/clusterkg/ontology#")
    _fail = True

    # Classes
    ActorRole: URIRef  # Actor role
    AgroIndustrialCluster: URIRef  # Agro-industrial cluster
    Bank: URIRef  # Bank
    Benefit: URIRef  # Benefit
    Challenge: URIRef  # Challenge
    City: URIRef  # City
    Cluster: URIRef  # Cluster
    ClusterCharacteristic: URIRef  # Cluster characteristic
    ClusterFeature: URIRef  # Cluster feature
    ClusterInitiative: URIRef  # Cluster initiative
    ClusterOrganisation: URIRef  # Cluster organisation
    ClusterPolicy: URIRef  # Cluster policy
    ClusterTypeEnterprise: URIRef  # Cluster-type enterprise
    Company: URIRef  # Company
    ComparisonCell: URIRef  # Comparison table cell
    ComparisonDimension: URIRef  # Comparison dimension
    ComparisonTable: URIRef  # Comparison table
    Conclusion: URIRef  # Conclusion
    ConsultingCompany: URIRef  # Consulting company
    Country: URIRef  # Country
    DevelopmentDirection: URIRef  # Development direction
    Document: URIRef  # Document
    EnterpriseModel: URIRef  # Enterprise model
    Enumeration: URIRef  # Enumeration
    EnumerationItem: URIRef  # Enumeration item
    Extractor: URIRef  # Extractor
    Fact: URIRef  # Fact
    FinancialInstitution: URIRef  # Financial institution
    GovernmentBody: URIRef  # Government body
    Indicator: URIRef  # Statistical indicator
    IndustrialCluster: URIRef  # Industrial cluster
    IndustrialDistrict: URIRef  # Industrial district
    IndustrialEcosystem: URIRef  # Industrial ecosystem
    IndustrialPark: URIRef  # Industrial park
    IndustryAssociation: URIRef  # Industry association
    InferenceRule: URIRef  # Inference rule
    InnovationEcosystem: URIRef  # Innovation ecosystem
    IntegrationChannel: URIRef  # Integration channel
    InternationalOrganisation: URIRef  # International organisation
    Mechanism: URIRef  # Mechanism
    Organisation: URIRef  # Organisation
    Person: URIRef  # Person
    Place: URIRef  # Place
    Platform: URIRef  # Platform
    PlatformFunction: URIRef  # Platform function
    Policy: URIRef  # Policy
    PolicyInstrument: URIRef  # Policy instrument
    Problem: URIRef  # Problem of innovative development
    Programme: URIRef  # Programme
    Project: URIRef  # Project
    Region: URIRef  # Region
    RegionalAuthority: URIRef  # Regional authority
    RegionalInnovationCluster: URIRef  # Regional innovation cluster
    RegionalInnovationStrategy: URIRef  # Regional innovation strategy
    RegulatoryBody: URIRef  # Regulatory body
    Report: URIRef  # Report
    ResearchInstitute: URIRef  # Research institute
    SME: URIRef  # Small or medium-sized enterprise
    Sector: URIRef  # Sector
    SmartCluster: URIRef  # Smart cluster
    SmartSpecialisationStrategy: URIRef  # Smart specialisation strategy
    SourceDocument: URIRef  # Source document
    SpecialEconomicZone: URIRef  # Special economic zone
    StartUp: URIRef  # Start-up
    StateSupportMeasure: URIRef  # State support measure
    StipInstrumentType: URIRef  # STIP Compass instrument type
    TargetGroup: URIRef  # Target group
    TechnologyCluster: URIRef  # Technology cluster
    Technopark: URIRef  # Technopark
    Theory: URIRef  # Theory or concept
    TraditionalProductionEnterprise: URIRef  # Traditional production enterprise
    TransnationalCluster: URIRef  # Transnational cluster
    TransnationalCorporation: URIRef  # Transnational corporation
    TripleHelixSector: URIRef  # Triple helix sector
    UnionOfStates: URIRef  # Union of states
    UnitOfMeasure: URIRef  # Unit of measure
    University: URIRef  # University
    ValueQualifier: URIRef  # Value qualifier
    VentureCapitalFirm: URIRef  # Venture capital firm

    # Object properties
    about: URIRef  # about
    appliesTo: URIRef  # applies to
    budget: URIRef  # budget
    carriedOutBy: URIRef  # carried out by
    carriesOut: URIRef  # carries out
    cites: URIRef  # cites
    competesWith: URIRef  # competes with
    conductsJointRnDWith: URIRef  # conducts joint R&D with
    containsPlace: URIRef  # contains place
    cooperatesWith: URIRef  # cooperates with
    denotes: URIRef  # denotes
    dimension: URIRef  # compared along
    enterpriseModel: URIRef  # for enterprise model
    evidence: URIRef  # evidence
    exampleOf: URIRef  # example of
    exchangesKnowledgeWith: URIRef  # exchanges knowledge with
    extractedBy: URIRef  # extracted by
    foundedBy: URIRef  # founded by
    fundedBy: URIRef  # funded by
    funds: URIRef  # funds
    hasBenefit: URIRef  # has benefit
    hasCell: URIRef  # has cell
    hasChallenge: URIRef  # faces challenge
    hasCharacteristic: URIRef  # has characteristic
    hasExample: URIRef  # has example
    hasFeature: URIRef  # has feature
    hasItem: URIRef  # has item
    hasMember: URIRef  # has member
    hasPart: URIRef  # has part
    hasProblem: URIRef  # has problem
    hasTerritory: URIRef  # has territory
    headquarteredIn: URIRef  # headquartered in
    inEnumeration: URIRef  # in enumeration
    inTable: URIRef  # in table
    indicator: URIRef  # indicator
    listScheme: URIRef  # list scheme
    locatedIn: URIRef  # located in
    managedBy: URIRef  # managed by
    manages: URIRef  # manages
    memberOf: URIRef  # member of
    mentions: URIRef  # mentions
    partOf: URIRef  # part of
    partOfPlace: URIRef  # part of place
    policyInstrument: URIRef  # uses policy instrument
    producedBy: URIRef  # produced by
    produces: URIRef  # produces
    proposedBy: URIRef  # proposed by
    proposes: URIRef  # proposes
    refArea: URIRef  # reference area
    responsibleBody: URIRef  # responsible body
    responsibleFor: URIRef  # is responsible for
    specialisesIn: URIRef  # specialises in
    spinOffOf: URIRef  # spin-off of
    statSubject: URIRef  # statistical subject
    supportedBy: URIRef  # supported by
    supports: URIRef  # supports
    targetGroup: URIRef  # addresses target group
    territoryOf: URIRef  # territory of
    tripleHelixSector: URIRef  # in triple helix sector
    unit: URIRef  # has unit of measure
    usesMechanism: URIRef  # uses mechanism
    valueQualifier: URIRef  # has value qualifier

    # Datatype properties
    abstractLanguage: URIRef  # abstract language
    cellText: URIRef  # cell text
    confidence: URIRef  # confidence
    endDate: URIRef  # end date
    fileName: URIRef  # file name
    foundingYear: URIRef  # founding year
    inferredTriples: URIRef  # inferred triples
    iso3166Code: URIRef  # ISO 3166 code
    itemCount: URIRef  # item count
    itemText: URIRef  # item text
    locationException: URIRef  # location exception
    position: URIRef  # position
    rawEnd: URIRef  # raw end offset
    rawStart: URIRef  # raw start offset
    refPeriod: URIRef  # reference period
    ruleQuery: URIRef  # rule query
    sha256: URIRef  # SHA-256 checksum
    startDate: URIRef  # start date
    surfaceForm: URIRef  # surface form
    value: URIRef  # value

    # Annotation properties
    conceptScheme: URIRef  # concept scheme
