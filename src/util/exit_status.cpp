#include "dftriage/util/exit_status.hpp"

namespace dftriage {

std::string exit_status_help()
{
  return "Exit status:\n"
         "  0    success\n"
         "  1    unexpected internal error\n"
         "  2    usage error (bad command line)\n"
         "  3    some input was rejected (the rest was processed)\n"
         "  4    an Azure or network call failed\n"
         "  5    needs a human: a question was left unanswered\n"
         "  130  interrupted (Ctrl-C)\n";
}

} // namespace dftriage
