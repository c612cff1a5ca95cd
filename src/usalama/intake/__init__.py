"""Community reports and anonymous tips over web, SMS and USSD (issue 7)."""
