"""People: who they are, their working hours, skills, certifications and absences."""
