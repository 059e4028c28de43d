#include "dftriage/util/exit_status.hpp"

namespace dftriage {

std::string exit_status_help()
{
  return "Exit status:\n"
         "  0    success; for run, apply and undo: the case is completed\n"
         "  1    unexpected internal error\n"
         "  2    usage error (bad command line)\n"
         "  3    some input was rejected (the rest was processed)\n"
         "  4    an Azure or network call failed\n"
         "  5    needs a human: a question unanswered, a change awaiting confirmation,\n"
         "       a manual step not checked off, or the walk stopped (resume with --case)\n"
         "  6    refused: out of the case's scope, a plan edited or drifted, a step whose\n"
         "       checks fail, a case resumed on another cloud\n"
         "  7    the case folder cannot be used: not a case, not empty, its journal\n"
         "       damaged or its evidence altered\n"
         "  8    the case is in use by another dftriage process; try again when it ends\n"
         "  130  interrupted (Ctrl-C)\n";
}

} // namespace dftriage
