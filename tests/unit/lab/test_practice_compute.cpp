// Lab tests of the compute actions added for incident-response practice (#18).

#include <catch2/catch.hpp>
