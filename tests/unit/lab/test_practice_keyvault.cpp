// Lab tests of the keyvault actions added for incident-response practice (#18).

#include <catch2/catch.hpp>
