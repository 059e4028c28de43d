// Lab tests of the identity actions added for incident-response practice (#18).

#include <catch2/catch.hpp>
